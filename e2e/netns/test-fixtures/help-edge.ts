// kith-edge with a shorter help prompt, for e2e/netns/help.test.ts: the prompt's 60 s is not a
// setting a person can change, so the test shortens it through the engine's test hook before the
// edge starts. KITH_TEST_HELP_PROMPT_MS gives the prompt in ms.
import { shortenPromptForTests } from '../../../engine/help/help-service.js';

const promptMs = Number(process.env['KITH_TEST_HELP_PROMPT_MS']);
if (Number.isSafeInteger(promptMs) && promptMs > 0) shortenPromptForTests(promptMs);
await import('../../../engine/cli/edge-main.js');
