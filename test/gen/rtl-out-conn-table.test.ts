// rtl_out/conn_table lint, in a file of its own (see large-designs.ts).
import { lintLargeDesign } from './large-designs.ts';

lintLargeDesign('conn_table');
