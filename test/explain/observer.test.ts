// The backward pass's observer hook (BackwardOptions.observe), which explain is built on: called
// once per node with the total upstream gradient and the downstream gradient sent to each input.
import { describe, expect, it } from 'vitest';
import { gradients, tensor, type Node, type Tensor } from '../../src/index.js';

describe('backward observer', () => {
  it('reports each node once, after the contributions to its output have been added up', () => {
    const a = tensor(3, { dtype: 'float64', requiresGrad: true });
    const c = tensor(2, { dtype: 'float64' });
    const b = a.mul(a);            // used twice below: its upstream is the sum of both uses
    const y = b.add(b.mul(c));     // y = a² + 2a², ∂y/∂b = 1 + c = 3
    const seen: [string, number, (number | null)[]][] = [];
    const observe = (node: Node, upstream: Tensor, downstream: readonly (Tensor | null)[]) => {
      seen.push([node.op.name, upstream.item(), downstream.map((d) => (d === null ? null : d.item()))]);
    };
    const [g] = gradients(y, [a], null, { observe });
    expect(g!.item()).toBe(18);    // 3·2a
    expect(seen).toEqual([
      ['add', 1, [1, 1]],
      ['mul', 1, [2, null]],       // b·c: c does not require grad, so nothing flows to it
      ['mul', 3, [9, 9]],          // a·a: upstream 3 × local a = 3, sent to both uses of a
    ]);
  });

  it('changes nothing when absent, and works through tensor.backward', () => {
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const calls: string[] = [];
    x.square().sum().backward({ observe: (node) => calls.push(node.op.name) });
    expect(calls).toEqual(['sum', 'square']);
    expect(Array.from(x.grad!.data)).toEqual([2, 4]);
  });
});
