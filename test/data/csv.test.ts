// parseCsv: headers, label columns, class names, quoting, line ends, and errors naming line and column.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/index.js';
import { readCsv } from '../../src/node/index.js';

describe('parseCsv', () => {
  it('reads a header, features as float32 and the last column as int32 labels', () => {
    const ds = parseCsv('a,b,label\n1,2,0\n3.5,-4e-1,1\n');
    expect(ds.length).toBe(2);
    expect(ds.x.shape).toEqual([2, 2]);
    expect(ds.x.dtype).toBe('float32');
    expect(Array.from(ds.x.data)).toEqual([1, 2, 3.5, Math.fround(-0.4)]);
    expect(ds.y.dtype).toBe('int32');
    expect(ds.y.toArray()).toEqual([0, 1]);
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect(ds.labelName).toBe('label');
    expect(ds.classes).toBeNull();
  });

  it('takes the label column by name or by index, negative from the end', () => {
    const text = 'y,f1,f2\n1,10,20\n0,30,40\n';
    const byName = parseCsv(text, { label: 'y' });
    expect(byName.x.toArray()).toEqual([[10, 20], [30, 40]]);
    expect(byName.y.toArray()).toEqual([1, 0]);
    expect(parseCsv(text, { label: 0 }).y.toArray()).toEqual([1, 0]);
    expect(parseCsv(text, { label: -3 }).featureNames).toEqual(['f1', 'f2']);
    expect(parseCsv(text, { label: 1 }).x.toArray()).toEqual([[1, 20], [0, 40]]);
  });

  it('maps text labels to indices of the sorted class names', () => {
    const ds = parseCsv('w,h,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n');
    expect(ds.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.y.toArray()).toEqual([2, 0, 1, 0]);
  });

  it('guesses the header, and obeys header: true / false', () => {
    const noHeader = parseCsv('1,2,0\n3,4,1\n');
    expect(noHeader.length).toBe(2);
    expect(noHeader.featureNames).toEqual(['column 1', 'column 2']);
    // Text labels alone do not make the first row a header.
    expect(parseCsv('1,2,cat\n3,4,dog\n').length).toBe(2);
    // A header of numbers needs saying so.
    const numeric = parseCsv('10,20,30\n1,2,0\n', { header: true });
    expect(numeric.length).toBe(1);
    expect(numeric.featureNames).toEqual(['10', '20']);
    expect(() => parseCsv('a,b,c\n1,2,0\n', { header: false })).toThrow(/line 1, column "column 1": the value is "a", not a number/);
  });

  it('reads float64 features and regression targets', () => {
    const ds = parseCsv('x,y\n0.1,2.5\n0.2,-1\n', { dtype: 'float64', labelType: 'number' });
    expect(ds.x.dtype).toBe('float64');
    expect(Array.from(ds.x.data)).toEqual([0.1, 0.2]);
    expect(ds.y.dtype).toBe('float64');
    expect(ds.y.toArray()).toEqual([2.5, -1]);
  });

  it('handles quotes, doubled quotes, CRLF, a BOM, other delimiters and blank lines', () => {
    const text = '\uFEFF"first, feature";"say ""hi""";label\r\n"1.5";2;"a;b"\r\n\r\n3;4;plain\r\n';
    const ds = parseCsv(text, { delimiter: ';' });
    expect(ds.featureNames).toEqual(['first, feature', 'say "hi"']);
    expect(ds.x.toArray()).toEqual([[1.5, 2], [3, 4]]);
    expect(ds.classes).toEqual(['a;b', 'plain']);
    // A quoted field may span lines; line numbers keep counting them.
    expect(() => parseCsv('a,b,c\n"x\ny",1,0\n2,z,1\n', { header: true })).toThrow(/line 2, column "a": the value is "x\\ny", not a number/);
    expect(() => parseCsv('a,b,c\n"x\ny",1,0\n2,z,1\n', { header: true, label: 'a' })).toThrow(/line 4, column "b"/);
  });

  it('names the line and column of a bad value', () => {
    expect(() => parseCsv('a,b,label\n1,2,0\n3,,1\n')).toThrow(/line 3, column "b": the value is empty/);
    expect(() => parseCsv('a,b,label\n1,2,0\n3,4x,1\n')).toThrow(/line 3, column "b": the value is "4x", not a number/);
    expect(() => parseCsv('a,b,label\n1,2,0\n3,4,\n')).toThrow(/line 3, column "label": the label is empty/);
    expect(() => parseCsv('a,b,label\n1,2,0.5\n')).toThrow(/line 2, column "label": class label 0.5 is not an integer \(use labelType: 'number'/);
  });

  it('names the line of a row with the wrong number of fields, and an unclosed quote', () => {
    expect(() => parseCsv('a,b,label\n1,2,0\n\n3,4\n')).toThrow(/line 4 has 2 fields but line 1 has 3/);
    expect(() => parseCsv('a,b,label\n1,"2,0\n3,4,1\n')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('a,b,label\n1,"2"x,0\n')).toThrow(/line 2: unexpected "x" after a closing quote/);
  });

  it('rejects unusable input and options clearly', () => {
    expect(() => parseCsv('')).toThrow(/no rows/);
    expect(() => parseCsv('a,b\n')).toThrow(/header \(line 1\) but no data rows/);
    expect(() => parseCsv('1\n2\n')).toThrow(/at least one feature column and a label column/);
    expect(() => parseCsv('a,b\n1,2\n', { label: 'c' })).toThrow(/no column named "c"; the header \(line 1\) has "a", "b"/);
    expect(() => parseCsv('a,b\n1,2\n', { label: 2 })).toThrow(/label column 2 is out of range for 2 columns/);
    expect(() => parseCsv('a,b\n1,2\n', { delimiter: '::' })).toThrow(/delimiter must be one character/);
    expect(() => parseCsv('1,2\n', { label: 'b', header: false })).toThrow(/is a column name, but header is false/);
  });
});

describe('readCsv', () => {
  it('reads a file, and names the file and line in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chainrule-csv-'));
    try {
      await writeFile(join(dir, 'iris.csv'), 'sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n');
      const ds = await readCsv(join(dir, 'iris.csv'), { label: 'species' });
      expect(ds.x.toArray()).toEqual([[Math.fround(5.1), Math.fround(1.4)], [7, Math.fround(4.7)]]);
      expect(ds.classes).toEqual(['setosa', 'versicolor']);
      await writeFile(join(dir, 'bad.csv'), 'a,b\n1,2\n3,x\n');
      await expect(readCsv(join(dir, 'bad.csv'), { label: 'b', labelType: 'number' })).rejects.toThrow(/^readCsv\(.*bad\.csv\): line 3, column "b": the value is "x", not a number$/);
      await expect(readCsv(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
