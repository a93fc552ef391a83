// Worker threads do not inherit the tsx loader of the main thread, so this plain module
// registers it and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./journalWriter.worker.ts');
