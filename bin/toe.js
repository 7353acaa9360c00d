#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so users need no build step.
import { register } from 'tsx/esm/api';
register();
await import('../cli/main.ts');
