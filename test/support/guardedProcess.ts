// A Node process with the language server's process-level guards: it rejects a promise nobody handles and throws from
// a timer, then proves it is still running. Run by the server-failure tests as a real process.
import { installProcessGuards } from '../../server/src/processGuards.js';

installProcessGuards(process, (message) => console.log(message));
void Promise.reject(new Error('rejected on purpose'));
setTimeout(() => {
  throw new Error('thrown on purpose');
}, 10);
setTimeout(() => console.log('still serving'), 100);
