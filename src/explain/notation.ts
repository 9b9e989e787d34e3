// How a node's forward computation reads in the ledger: 'q = x + y', 'h = σ(z)', 'a = x·Wᵀ'.
// The notation is the lectures' where they have one; other ops read as op(inputs).
import type { Node } from '../ops/op.js';
import type { LocalKind } from './ledger.js';

/** An operand as written inside an expression: negative numbers get parentheses. */
function operand(name: string): string {
  return name.startsWith('-') ? `(${name})` : name;
}

const INFIX: Readonly<Record<string, string>> = { add: ' + ', sub: ' − ', mul: ' · ', div: ' / ' };

const PREFIX: Readonly<Record<string, string>> = {
  exp: 'exp', log: 'ln', sigmoid: 'σ', tanh: 'tanh', relu: 'ReLU', leakyRelu: 'leakyReLU', erf: 'erf', gelu: 'GELU',
  abs: 'abs', sign: 'sign', sqrt: '√', softmax: 'softmax', logSoftmax: 'logSoftmax',
};

function attr<T>(node: Node, key: string): T | undefined {
  const attrs = node.attrs;
  return typeof attrs === 'object' && attrs !== null ? (attrs as Record<string, T>)[key] : undefined;
}

/** The right-hand side of a node's expression, from the names of its inputs. */
function rightHand(node: Node, inputs: readonly string[]): string {
  const op = node.op.name;
  const [a, b] = inputs.map(operand);
  if (op in INFIX && inputs.length === 2) return `${a}${INFIX[op]}${b}`;
  if (op === 'pow') return `${a}^${b}`;
  if (op === 'neg') return `−${a}`;
  if (op === 'square') return `${a}²`;
  if (op === 'maximum' || op === 'minimum') return `${op === 'maximum' ? 'max' : 'min'}(${a}, ${b})`;
  if (op === 'matmul') {
    const tA = attr<boolean>(node, 'transA') ? 'ᵀ' : '';
    const tB = attr<boolean>(node, 'transB') ? 'ᵀ' : '';
    return `${a}${tA}·${b}${tB}`;
  }
  if (op === 'conv2d') return inputs.length > 2 ? `${a} ⋆ ${b} + ${operand(inputs[2])}` : `${a} ⋆ ${b}`;
  if (op === 'sum') return `Σ ${a}`;
  if (op in PREFIX) return `${PREFIX[op]}(${inputs.join(', ')})`;
  return `${op}(${inputs.join(', ')})`;
}

export function expression(node: Node, name: string, inputs: readonly string[]): string {
  return `${name} = ${rightHand(node, inputs)}`;
}

/**
 * The local gradient ∂(node)/∂(input j) as a formula of the names, as the lectures write it
 * (f = q·z: ∂f/∂q = z; h = σ(z): ∂h/∂z = h(1 − h)); null where the op has no short one.
 */
export function localFormula(node: Node, name: string, inputs: readonly string[], j: number): string | null {
  const [a, b] = inputs.map(operand);
  const y = operand(name);
  switch (node.op.name) {
    case 'add': return '1';
    case 'sub': return j === 0 ? '1' : '−1';
    case 'neg': return '−1';
    case 'mul': return j === 0 ? b : a;
    case 'div': return j === 0 ? `1/${b}` : `−${a}/${b}²`;
    case 'pow': return j === 0 ? `${b}·${a}^(${b} − 1)` : `${y}·ln ${a}`;
    case 'exp': return y;
    case 'log': return `1/${a}`;
    case 'square': return `2${a}`;
    case 'sqrt': return `1/(2${y})`;
    case 'sigmoid': return `${y}(1 − ${y})`;
    case 'tanh': return `1 − ${y}²`;
    case 'relu': return `1 if ${a} > 0 else 0`;
    case 'sum': return '1';
    case 'reshape': case 'clone': case 'cast': return '1';
    default: return null;
  }
}

// Ops whose every output element depends on one element of each input (reshape, cast and clone
// move or convert elements one to one), so their local gradient is one number per element.
const ELEMENTWISE = new Set([
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'where', 'clamp', 'tanhGrad', 'sigmoidGrad', 'reluGrad',
  'neg', 'exp', 'log', 'sqrt', 'square', 'abs', 'sign', 'tanh', 'sigmoid', 'relu', 'leakyRelu', 'erf', 'gelu',
  'reshape', 'cast', 'clone',
]);

export function localKind(node: Node): LocalKind {
  if (node.output.size === 1) return 'gradient';
  return ELEMENTWISE.has(node.op.name) ? 'elementwise' : 'jacobian';
}
