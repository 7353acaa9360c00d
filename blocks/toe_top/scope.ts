// The module-builder type a helper function receives (the `m` of defineModule's body).
import type { defineModule } from '../../dsl/index.ts';

type Body = Parameters<typeof defineModule>[1];
export type ModuleScope = Parameters<Body>[0];
