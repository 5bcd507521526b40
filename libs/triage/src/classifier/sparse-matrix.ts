import type { SparseVector } from './sparse-vector';

/** Rows of sparse vectors packed in compressed-sparse-row form, for fast training loops. */
export class SparseMatrix {
  private constructor(
    readonly rowStart: Int32Array,
    readonly columns: Int32Array,
    readonly values: Float64Array,
  ) {}

  get rows(): number {
    return this.rowStart.length - 1;
  }

  static fromRows(rows: SparseVector[]): SparseMatrix {
    const rowStart = new Int32Array(rows.length + 1);
    let nnz = 0;
    rows.forEach((row, i) => {
      nnz += row.indices.length;
      rowStart[i + 1] = nnz;
    });
    const columns = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    rows.forEach((row, i) => {
      columns.set(row.indices, rowStart[i]);
      values.set(row.values, rowStart[i]);
    });
    return new SparseMatrix(rowStart, columns, values);
  }
}
