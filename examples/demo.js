// A first look at chainrule: the lectures' computational graphs, forward and backward.
// Run with `npm start` (builds first) or `node examples/demo.js` after `npm run build`.
import { tensor, grad } from '../dist/index.js';

const f64 = { dtype: 'float64', requiresGrad: true };

// f = (x + y)·z at x = −2, y = 5, z = −4: add distributes the gradient, mul switches it.
const x = tensor(-2, f64);
const y = tensor(5, f64);
const z = tensor(-4, f64);
const q = x.add(y).retainGrad();
const f = q.mul(z);
f.backward();
console.log('f = (x + y)·z');
console.log(`  forward:  q = x + y = ${q.item()},  f = q·z = ${f.item()}`);
console.log(`  backward: ∂f/∂q = ${q.grad.item()},  ∂f/∂x = ${x.grad.item()},  ∂f/∂y = ${y.grad.item()},  ∂f/∂z = ${z.grad.item()}`);

// The sigmoid neuron σ(w0·x0 + w1·x1 + w2) with w = (2, −3, −3), x = (−1, −2).
const w = tensor([2, -3, -3], f64);
const xs = tensor([-1, -2, 1], f64); // the trailing 1 multiplies the bias w2
const out = w.mul(xs).sum().sigmoid();
out.backward();
console.log('\nsigmoid neuron σ(w·x + b)');
console.log(`  forward:  ${out.item().toFixed(4)}`);
console.log(`  backward: ∂σ/∂w = [${[...w.grad.data].map((v) => v.toFixed(4)).join(', ')}],  ∂σ/∂x = [${[...xs.grad.data].slice(0, 2).map((v) => v.toFixed(4)).join(', ')}]`);

// Higher order: grad(grad(f)) is the second derivative.
const cube = (t) => t.pow(3).sum();
const at = tensor(2, { dtype: 'float64' });
console.log('\nd/dx x³ at 2 =', grad(cube)(at).item(), '  d²/dx² x³ at 2 =', grad(grad(cube))(at).item());
