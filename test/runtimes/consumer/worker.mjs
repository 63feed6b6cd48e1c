// Entry for workerd, bundled with the package as a Workers deployment would be. `workerd test` calls `test()`; the
// configuration comes from a text binding, the result goes out through console.log.
import { RESULT_MARK, runScenarios } from './scenarios.mjs';

export default {
  /** @param {unknown} _controller @param {{ CONFIG: string }} env */
  async test(_controller, env) {
    const result = await runScenarios(JSON.parse(env.CONFIG));
    console.log(RESULT_MARK + JSON.stringify(result));
  },
};
