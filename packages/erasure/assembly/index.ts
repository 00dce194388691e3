// The one hot loop of Reed-Solomon: out[o] = XOR over i of coef[o][i] * in[i], bytewise in
// GF(2^8), 32 bytes at a time with the split-nibble method (ISA-L, klauspost/reedsolomon):
// c * x = lo_c[x & 15] ^ hi_c[x >> 4], each table 16 bytes, looked up with i8x16.swizzle.
//
// The JS side owns the memory above __heap_base. It lays out, each 32-byte aligned:
//   tables:  nOut * nIn entries of 32 bytes (lo_c then hi_c for coef[o][i], row-major)
//   inputs:  nIn rows of `len` bytes
//   outputs: nOut rows of `len` bytes
// `len` is a multiple of 32.

/** Start of memory the JS side may use. */
export function heapBase (): usize {
  return __heap_base
}

export function mulRows (inputs: usize, nIn: i32, outputs: usize, nOut: i32, tables: usize, len: i32): void {
  const mask = i8x16.splat(0x0f)
  const stride = <usize>len
  for (let o = 0; o < nOut; o++) {
    const out = outputs + <usize>o * stride
    const rowTables = tables + <usize>(o * nIn) * 32
    for (let p: usize = 0; p < stride; p += 32) {
      let acc0 = i8x16.splat(0)
      let acc1 = i8x16.splat(0)
      let src = inputs + p
      let t = rowTables
      for (let i = 0; i < nIn; i++) {
        const lo = v128.load(t)
        const hi = v128.load(t, 16)
        const v0 = v128.load(src)
        const v1 = v128.load(src, 16)
        acc0 = v128.xor(acc0, v128.xor(i8x16.swizzle(lo, v128.and(v0, mask)), i8x16.swizzle(hi, i8x16.shr_u(v0, 4))))
        acc1 = v128.xor(acc1, v128.xor(i8x16.swizzle(lo, v128.and(v1, mask)), i8x16.swizzle(hi, i8x16.shr_u(v1, 4))))
        src += stride
        t += 32
      }
      v128.store(out + p, acc0)
      v128.store(out + p, acc1, 16)
    }
  }
}
