import { packageBuild } from '../../tsup.shared.js';

// The CLI is a program, not a library: no type declarations.
export default packageBuild({ entry: ['src/main.ts'], dts: false });
