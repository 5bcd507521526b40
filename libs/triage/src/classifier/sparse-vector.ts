/** A sparse vector: parallel arrays of feature indices and values. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float64Array;
}
