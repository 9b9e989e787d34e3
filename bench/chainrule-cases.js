// chainrule's benchmark cases on every registered backend, as run.js samples them: made here
// for the worker process (bench/chainrule-worker.js) or, with --in-process, in run.js's own.

import { chainruleCases, chainruleConvCase, chainruleTrainingCases } from './cases.js';
import { SLOW_MAX, chainruleGemmCases, gemmOperands } from './gemm.js';
import { trainingSetup } from './training.js';

/**
 * { cases, backendLabels, notes } for the sections asked: { dispatch (the tiny add and the
 * scalar graph, on js), trainingModels, wantConv, gemmSizes, backends (names, or undefined for
 * all) }. The data, batches, weights and GEMM operands come
 * from the same seeds as the peers' (trainingSetup, gemmOperands), so every process that makes
 * them holds the same numbers.
 */
export async function makeChainruleCases({ dispatch, trainingModels, wantConv, gemmSizes, backends }) {
  const cr = await import('../dist/index.js');
  // Made before 'chainrule/node' is imported (which makes native the default where it loads), so
  // the dispatch cases run on js, as they always have.
  const cases = dispatch ? [...(await chainruleCases())] : [];
  const notes = [];
  const backendLabels = {};
  const node = await import('../dist/node/index.js');
  const setup = trainingModels.length > 0 || wantConv ? await trainingSetup(cr, node.loadMnist) : null;
  const operands = gemmSizes.length > 0 ? gemmOperands(cr, gemmSizes) : null;
  const slowSizes = gemmSizes.filter((n) => n <= SLOW_MAX);
  const available = cr.listBackends();
  for (const b of backends ?? []) if (!available.includes(b) && b !== 'native') notes.push(`chainrule backend ${b} is not available (have ${available.join(', ')})`);
  for (const backend of available.filter((b) => backends === undefined || backends.includes(b))) {
    const info = backend === 'native' ? node.nativeInfo() : null;
    const label = info ? `native (${info.isa}, ${info.threads} thread${info.threads === 1 ? '' : 's'})` : `${backend}${backend === 'js' ? ' (1 thread)' : ''}`;
    backendLabels[backend] = label;
    if (setup !== null) cases.push(...chainruleTrainingCases(cr, setup, backend, label, trainingModels));
    if (wantConv) cases.push(chainruleConvCase(cr, setup, backend, label));
    if (operands !== null) cases.push(...chainruleGemmCases(cr, operands, backend, label, backend === 'js' ? slowSizes : gemmSizes));
  }
  if (!available.includes('native')) {
    const why = node.nativeLoadError() ?? (process.env.CHAINRULE_BACKEND === 'js' ? 'CHAINRULE_BACKEND=js' : 'not built');
    notes.push(`chainrule's native backend is not registered (${why})`);
  }
  return { cases, backendLabels, notes };
}
