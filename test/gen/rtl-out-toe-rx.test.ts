// rtl_out/toe_rx lint, in a file of its own (see large-designs.ts).
import { lintLargeDesign } from './large-designs.ts';

lintLargeDesign('toe_rx');
