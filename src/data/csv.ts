import { allocate } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { TensorDataset } from './dataset.js';

export interface CsvOptions {
  /**
   * The target column: an index (negative counts from the end) or a header name. Default −1,
   * the last column. Every other column is a feature.
   */
  label?: number | string;
  /**
   * Whether the first row names the columns. 'auto' (the default) takes it as a header when one
   * of its feature fields is not a number; pass true or false where that guess could be wrong
   * (a header of numeric names, say).
   */
  header?: boolean | 'auto';
  /** The field separator, one character (default ','). */
  delimiter?: string;
  /** Feature dtype (default 'float32'). */
  dtype?: 'float32' | 'float64';
  /**
   * 'class' (default): int32 class indices; integer labels are kept as they are, and text labels
   * become indices into the sorted list of distinct names (`classes`). 'number': float targets
   * (regression), in the feature dtype.
   */
  labelType?: 'class' | 'number';
}

/** A TensorDataset parsed from CSV, with the names it came with. */
export class CsvDataset extends TensorDataset {
  constructor(
    x: Tensor,
    y: Tensor,
    /** Feature column names: the header's, or "column 1", "column 2"… (1-based, as in errors). */
    readonly featureNames: string[],
    readonly labelName: string,
    /** For text class labels: the class names, index = label value. Otherwise null. */
    readonly classes: string[] | null,
  ) {
    super(x, y);
  }
}

interface Row {
  fields: string[];
  /** 1-based line on which the row starts. */
  line: number;
}

// A decimal number, as a person writes one in a table; Number() alone would also accept '',
// '0x1f' and 'Infinity'.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * Parses CSV text (RFC 4180 quoting, \n or \r\n line ends, blank lines skipped) into a dataset
 * of x [rows, features] and y [rows]. Errors name the line and column.
 * @example
 * const ds = parseCsv('a,b,label\n1,2,0\n3,4,1\n');   // x [2, 2] float32, y [2] int32
 * const iris = parseCsv(text, { label: 'species' }); // iris.classes = ['setosa', …]
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  if (typeof text !== 'string') throw new TypeError(`parseCsv: expected the CSV text as a string, got ${typeof text}`);
  const { label = -1, header = 'auto', delimiter = ',', dtype = 'float32', labelType = 'class' } = options;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(`parseCsv: delimiter must be one character other than a quote or a line end, got ${JSON.stringify(delimiter)}`);
  }
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`parseCsv: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  if (labelType !== 'class' && labelType !== 'number') throw new TypeError(`parseCsv: labelType must be 'class' or 'number', got ${JSON.stringify(labelType)}`);

  const rows = splitRows(text, delimiter);
  if (rows.length === 0) throw new RangeError('parseCsv: the text has no rows');
  const width = rows[0].fields.length;
  for (const r of rows) {
    if (r.fields.length !== width) {
      throw new RangeError(`parseCsv: line ${r.line} has ${r.fields.length} fields but line ${rows[0].line} has ${width}; every row needs the same number of fields`);
    }
  }
  if (width < 2) throw new RangeError(`parseCsv: line ${rows[0].line} has ${width} field; a dataset needs at least one feature column and a label column`);

  let hasHeader: boolean;
  let labelIndex: number;
  if (typeof label === 'string') {
    if (header === false) throw new TypeError(`parseCsv: label ${JSON.stringify(label)} is a column name, but header is false`);
    hasHeader = true;
    labelIndex = rows[0].fields.indexOf(label);
    if (labelIndex < 0) {
      throw new RangeError(`parseCsv: no column named ${JSON.stringify(label)}; the header (line ${rows[0].line}) has ${rows[0].fields.map((f) => JSON.stringify(f)).join(', ')}`);
    }
  } else {
    if (!Number.isInteger(label) || label < -width || label >= width) {
      throw new RangeError(`parseCsv: label column ${label} is out of range for ${width} columns (expected an integer in [${-width}, ${width - 1}] or a header name)`);
    }
    labelIndex = label < 0 ? label + width : label;
    hasHeader = header === 'auto'
      ? rows[0].fields.some((f, c) => c !== labelIndex && !NUMBER.test(f.trim()))
      : header;
  }

  const names = hasHeader ? rows[0].fields.map((f) => f.trim()) : rows[0].fields.map((_, c) => `column ${c + 1}`);
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new RangeError(`parseCsv: the text has a header (line ${rows[0].line}) but no data rows`);
  const featureCols = names.map((_, c) => c).filter((c) => c !== labelIndex);
  const nf = featureCols.length;

  const x = allocate(dtype, data.length * nf);
  data.forEach((r, i) => {
    for (let j = 0; j < nf; j++) x[i * nf + j] = parseNumber(r, featureCols[j], names);
  });

  const labels = data.map((r) => r.fields[labelIndex].trim());
  let y: Tensor;
  let classes: string[] | null = null;
  if (labelType === 'number') {
    const values = allocate(dtype, data.length);
    data.forEach((r, i) => { values[i] = parseNumber(r, labelIndex, names); });
    y = new Tensor(values, [data.length], dtype);
  } else {
    const values = new Int32Array(data.length);
    const empty = labels.findIndex((s) => s === '');
    if (empty >= 0) throw new RangeError(`parseCsv: line ${data[empty].line}, column ${JSON.stringify(names[labelIndex])}: the label is empty`);
    if (labels.every((s) => INTEGER.test(s))) {
      labels.forEach((s, i) => { values[i] = Number(s); });
    } else {
      const nonInteger = labels.findIndex((s) => NUMBER.test(s) && !INTEGER.test(s));
      if (nonInteger >= 0 && labels.every((s) => NUMBER.test(s))) {
        throw new RangeError(`parseCsv: line ${data[nonInteger].line}, column ${JSON.stringify(names[labelIndex])}: class label ${labels[nonInteger]} is not an integer (use labelType: 'number' for regression targets)`);
      }
      // Sorted, so the class indices do not depend on the order of the rows.
      classes = [...new Set(labels)].sort();
      const lookup = new Map(classes.map((c, k) => [c, k]));
      labels.forEach((s, i) => { values[i] = lookup.get(s) as number; });
    }
    y = new Tensor(values, [data.length], 'int32');
  }
  return new CsvDataset(new Tensor(x, [data.length, nf], dtype), y, featureCols.map((c) => names[c]), names[labelIndex], classes);
}

function parseNumber(r: Row, col: number, names: string[]): number {
  const s = r.fields[col].trim();
  if (!NUMBER.test(s)) {
    const what = s === '' ? 'is empty' : `is ${JSON.stringify(r.fields[col])}, not a number`;
    throw new RangeError(`parseCsv: line ${r.line}, column ${JSON.stringify(names[col])}: the value ${what}`);
  }
  return Number(s);
}

/** Splits CSV text into rows of fields, following RFC 4180 quoting ("" is a quote inside quotes). */
function splitRows(text: string, delimiter: string): Row[] {
  const rows: Row[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteLine = 0;
  // Whether the current field began with a quote: text after its closing quote is an error.
  let wasQuoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not data
  const endRow = (): void => {
    fields.push(field);
    // A line with nothing on it is a blank line, not a row with one empty field.
    if (!(fields.length === 1 && fields[0].trim() === '' && !wasQuoted)) rows.push({ fields, line: rowLine });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
      field = '';
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      if (wasQuoted && ch.trim() !== '') {
        throw new RangeError(`parseCsv: line ${line}: unexpected ${JSON.stringify(ch)} after a closing quote (a quote inside a quoted field is written "")`);
      }
      if (!wasQuoted) field += ch;
    }
  }
  if (quoted) throw new RangeError(`parseCsv: line ${quoteLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0 || wasQuoted) endRow();
  return rows;
}
