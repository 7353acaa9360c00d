import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the folder above gen/. */
export const projectRoot = () => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
