import { project } from '../../vitest.shared.ts';

// Pact consumer tests each start a mock server and write contracts/pacts/, one file per provider.
export default project('clients');
