;; @file SIMD matrix multiply in WebAssembly: C[m×n] += A[m×k]·B[k×n], row-major, in linear memory.
;;
;; Built into gemm-wasm.generated.ts by `npm run build:wasm` (scripts/build-wasm.mjs, wabt, feature simd).
;; Baseline SIMD only (no relaxed-simd, no threads): runs on Node 20 and current browsers with no flags.
;;
;; The shape is GotoBLAS/BLIS, cut down to what a 128-bit machine needs:
;;
;;   for j0 in 0..n step NC                     one panel of B columns
;;     for p0 in 0..k step KC                   one slab of the inner dimension
;;       pack B[p0:p0+kc, j0:j0+nc]             into strips 32 bytes wide (4 f64 or 8 f32 columns)
;;       for i0 in 0..m step MC
;;         pack A[i0:i0+mc, p0:p0+kc]           into strips of 4 rows, column by column
;;         for jr, ir over the strips           one 4×NR micro-tile of C
;;           kernel: 8 v128 accumulators, loop over kc; C tile += accumulators
;;
;; Packing makes every load in the kernel sequential (row-major B with a power-of-two row length
;; otherwise puts the whole k loop in one cache set: 14 instead of 20 GFLOP/s for f64 at n = 512).
;; The packers zero-pad short strips, so the kernel always computes a full tile; a tile that hangs
;; over the edge of C goes through the scratch tile at bytes [0, 128) and only its valid part is added.
;;
;; The micro-tile is 4 rows × 2 vectors (4×4 f64, 4×8 f32): 8 accumulators + 2 B vectors + 1 broadcast
;; A value fit V8's 15 usable xmm registers. 6×2, 5×2, 4×3 and 3×4 tiles spilled and ran at 55–70 %
;; of this speed; 2×4 tied it. Unrolling the k loop by two was slower. KC, MC and NC changed nothing
;; measurable between 128 and 512 at n ≤ 512 (L1d 32 KiB, L2 1 MiB per core here).
;;
;; Memory contract: bytes [0, heap_base) belong to the kernels; the caller places A, B, C and a work
;; area of gemm_work_bytes(k, n, elementBytes) bytes anywhere above, none overlapping.
(module
  (memory (export "memory") 1)

  ;; Callers place their data at or above this byte address; below it is the scratch tile.
  (global (export "heap_base") i32 (i32.const 128))

  ;; Block sizes, in elements: KC rows of B per packed slab, MC rows of A per packed block (a multiple
  ;; of the 4-row strip), NC columns of B per panel.
  (global $KC i32 (i32.const 256))
  (global $MC i32 (i32.const 64))
  (global $NC i32 (i32.const 1024))

  (func $min (param $x i32) (param $y i32) (result i32)
    (select (local.get $x) (local.get $y) (i32.lt_u (local.get $x) (local.get $y))))

  ;; Bytes of work area one call needs: the packed A block (MC × KC) and the packed B slab
  ;; (KC × min(n, NC), its width rounded up to whole 32-byte strips).
  (func (export "gemm_work_bytes") (param $k i32) (param $n i32) (param $E i32) (result i32)
    (i32.add
      (i32.mul (i32.mul (global.get $MC) (global.get $KC)) (local.get $E))
      (i32.mul (global.get $KC)
        (i32.and
          (i32.add (i32.mul (call $min (local.get $n) (global.get $NC)) (local.get $E)) (i32.const 31))
          (i32.const -32)))))

  ;; C[m×n] += A[m×k]·B[k×n] for float64; pointers are byte addresses, pW the work area. With $aT = 1,
  ;; pA holds Aᵀ ([k×m], row-major) instead: the packer reads it in place, with the very numbers a
  ;; transposed copy would give it, so aᵀ @ b (matmul's rule) needs no transposed copy.
  (func (export "gemm_f64")
    (param $pA i32) (param $pB i32) (param $pC i32) (param $m i32) (param $k i32) (param $n i32) (param $pW i32)
    (param $aT i32)
    (call $gemm (local.get $pA) (local.get $pB) (local.get $pC)
      (local.get $m) (local.get $k) (local.get $n) (local.get $pW) (local.get $aT) (i32.const 8)))

  ;; As gemm_f64, for float32.
  (func (export "gemm_f32")
    (param $pA i32) (param $pB i32) (param $pC i32) (param $m i32) (param $k i32) (param $n i32) (param $pW i32)
    (param $aT i32)
    (call $gemm (local.get $pA) (local.get $pB) (local.get $pC)
      (local.get $m) (local.get $k) (local.get $n) (local.get $pW) (local.get $aT) (i32.const 4)))

  ;; The blocking loops, shared by both dtypes: $E is the element size in bytes (8 or 4). A micro-tile
  ;; is 4 rows by NR = 32 / E columns. Loop counters are in elements; addresses are bytes. Element
  ;; (i, p) of A is at pA + i·$ars + p·$acs: (k·E, E) for A, (E, m·E) for Aᵀ ($aT).
  (func $gemm
    (param $pA i32) (param $pB i32) (param $pC i32) (param $m i32) (param $k i32) (param $n i32)
    (param $pW i32) (param $aT i32) (param $E i32)
    (local $NR i32) (local $ars i32) (local $acs i32) (local $ldc i32) (local $pBp i32)
    (local $j0 i32) (local $p0 i32) (local $i0 i32) (local $jr i32) (local $ir i32)
    (local $nc i32) (local $kc i32) (local $mc i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $mr i32) (local $nr i32)
    (if (i32.or (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $k))) (i32.eqz (local.get $n)))
      (then (return)))
    (local.set $NR (i32.div_u (i32.const 32) (local.get $E)))
    (if (local.get $aT)
      (then
        (local.set $ars (local.get $E))
        (local.set $acs (i32.mul (local.get $m) (local.get $E))))
      (else
        (local.set $ars (i32.mul (local.get $k) (local.get $E)))
        (local.set $acs (local.get $E))))
    (local.set $ldc (i32.mul (local.get $n) (local.get $E)))
    (local.set $pBp (i32.add (local.get $pW) (i32.mul (i32.mul (global.get $MC) (global.get $KC)) (local.get $E))))
    (local.set $j0 (i32.const 0))
    (loop $panels
      (local.set $nc (call $min (global.get $NC) (i32.sub (local.get $n) (local.get $j0))))
      (local.set $p0 (i32.const 0))
      (loop $slabs
        (local.set $kc (call $min (global.get $KC) (i32.sub (local.get $k) (local.get $p0))))
        (call $pack_b
          (i32.add (local.get $pB)
            (i32.mul (i32.add (i32.mul (local.get $p0) (local.get $n)) (local.get $j0)) (local.get $E)))
          (local.get $ldc) (local.get $kc) (i32.mul (local.get $nc) (local.get $E)) (local.get $pBp))
        (local.set $i0 (i32.const 0))
        (loop $blocks
          (local.set $mc (call $min (global.get $MC) (i32.sub (local.get $m) (local.get $i0))))
          (local.set $pa
            (i32.add (local.get $pA)
              (i32.add (i32.mul (local.get $i0) (local.get $ars)) (i32.mul (local.get $p0) (local.get $acs)))))
          (if (i32.eq (local.get $E) (i32.const 8))
            (then (call $pack_a_f64 (local.get $pa) (local.get $ars) (local.get $acs) (local.get $mc) (local.get $kc)
              (local.get $pW)))
            (else (call $pack_a_f32 (local.get $pa) (local.get $ars) (local.get $acs) (local.get $mc) (local.get $kc)
              (local.get $pW))))
          (local.set $jr (i32.const 0))
          (loop $strips_b
            (local.set $nr (call $min (local.get $NR) (i32.sub (local.get $nc) (local.get $jr))))
            (local.set $pb (i32.add (local.get $pBp) (i32.mul (i32.mul (local.get $jr) (local.get $kc)) (local.get $E))))
            (local.set $ir (i32.const 0))
            (loop $strips_a
              (local.set $mr (call $min (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))))
              (local.set $pa (i32.add (local.get $pW) (i32.mul (i32.mul (local.get $ir) (local.get $kc)) (local.get $E))))
              (local.set $pc
                (i32.add (local.get $pC)
                  (i32.add
                    (i32.mul (i32.add (local.get $i0) (local.get $ir)) (local.get $ldc))
                    (i32.mul (i32.add (local.get $j0) (local.get $jr)) (local.get $E)))))
              (if (i32.eq (local.get $E) (i32.const 8))
                (then (call $kernel_f64 (local.get $pa) (local.get $pb) (local.get $kc)
                  (local.get $pc) (local.get $ldc) (local.get $mr) (local.get $nr)))
                (else (call $kernel_f32 (local.get $pa) (local.get $pb) (local.get $kc)
                  (local.get $pc) (local.get $ldc) (local.get $mr) (local.get $nr))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br_if $strips_a (i32.lt_u (local.get $ir) (local.get $mc))))
            (local.set $jr (i32.add (local.get $jr) (local.get $NR)))
            (br_if $strips_b (i32.lt_u (local.get $jr) (local.get $nc))))
          (local.set $i0 (i32.add (local.get $i0) (global.get $MC)))
          (br_if $blocks (i32.lt_u (local.get $i0) (local.get $m))))
        (local.set $p0 (i32.add (local.get $p0) (global.get $KC)))
        (br_if $slabs (i32.lt_u (local.get $p0) (local.get $k))))
      (local.set $j0 (i32.add (local.get $j0) (global.get $NC)))
      (br_if $panels (i32.lt_u (local.get $j0) (local.get $n)))))

  ;; Pack kc rows of B, each $w bytes wide, read with row stride $ldb, into strips 32 bytes wide:
  ;; strip s holds its kc rows back to back at dst + s·32·kc. A last, narrower strip is zero-padded.
  ;; Byte copies, so one packer serves both dtypes.
  (func $pack_b (param $src i32) (param $ldb i32) (param $kc i32) (param $w i32) (param $dst i32)
    (local $s i32) (local $p i32) (local $from i32) (local $rest i32) (local $x i32)
    (local.set $s (i32.const 0))
    (loop $strips
      (local.set $from (i32.add (local.get $src) (local.get $s)))
      (local.set $rest (i32.sub (local.get $w) (local.get $s)))
      (local.set $p (i32.const 0))
      (if (i32.ge_u (local.get $rest) (i32.const 32))
        (then
          (loop $rows
            (v128.store (local.get $dst) (v128.load (local.get $from)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $from)))
            (local.set $from (i32.add (local.get $from) (local.get $ldb)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $rows (i32.lt_u (local.get $p) (local.get $kc)))))
        (else
          (loop $short_rows
            (v128.store (local.get $dst) (v128.const i64x2 0 0))
            (v128.store offset=16 (local.get $dst) (v128.const i64x2 0 0))
            (local.set $x (i32.const 0))
            (loop $words
              (i32.store (i32.add (local.get $dst) (local.get $x)) (i32.load (i32.add (local.get $from) (local.get $x))))
              (local.set $x (i32.add (local.get $x) (i32.const 4)))
              (br_if $words (i32.lt_u (local.get $x) (local.get $rest))))
            (local.set $from (i32.add (local.get $from) (local.get $ldb)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $short_rows (i32.lt_u (local.get $p) (local.get $kc))))))
      (local.set $s (i32.add (local.get $s) (i32.const 32)))
      (br_if $strips (i32.lt_u (local.get $s) (local.get $w)))))

  ;; Pack mc rows × kc columns of A (element (i, p) at src + i·$rs + p·$cs bytes) into strips of 4 rows:
  ;; element (r, p) of strip t lands at dst + t·32·kc + p·32 + r·8. The last strip is padded to 4 rows
  ;; with zeros.
  (func $pack_a_f64 (param $src i32) (param $rs i32) (param $cs i32) (param $mc i32) (param $kc i32) (param $dst i32)
    (local $i i32) (local $p i32) (local $from i32) (local $to i32)
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $to
        (i32.add (local.get $dst)
          (i32.add
            (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (i32.mul (local.get $kc) (i32.const 32)))
            (i32.mul (i32.and (local.get $i) (i32.const 3)) (i32.const 8)))))
      (local.set $p (i32.const 0))
      (if (i32.lt_u (local.get $i) (local.get $mc))
        (then
          (local.set $from (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rs))))
          (loop $cols
            (f64.store (local.get $to) (f64.load (local.get $from)))
            (local.set $from (i32.add (local.get $from) (local.get $cs)))
            (local.set $to (i32.add (local.get $to) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $cols (i32.lt_u (local.get $p) (local.get $kc)))))
        (else
          (loop $zeros
            (f64.store (local.get $to) (f64.const 0))
            (local.set $to (i32.add (local.get $to) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $zeros (i32.lt_u (local.get $p) (local.get $kc))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $mc)))
      (br_if $rows (i32.and (local.get $i) (i32.const 3)))))

  ;; As $pack_a_f64 for float32: element (r, p) of strip t lands at dst + t·16·kc + p·16 + r·4.
  (func $pack_a_f32 (param $src i32) (param $rs i32) (param $cs i32) (param $mc i32) (param $kc i32) (param $dst i32)
    (local $i i32) (local $p i32) (local $from i32) (local $to i32)
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $to
        (i32.add (local.get $dst)
          (i32.add
            (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (i32.mul (local.get $kc) (i32.const 16)))
            (i32.mul (i32.and (local.get $i) (i32.const 3)) (i32.const 4)))))
      (local.set $p (i32.const 0))
      (if (i32.lt_u (local.get $i) (local.get $mc))
        (then
          (local.set $from (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rs))))
          (loop $cols
            (f32.store (local.get $to) (f32.load (local.get $from)))
            (local.set $from (i32.add (local.get $from) (local.get $cs)))
            (local.set $to (i32.add (local.get $to) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $cols (i32.lt_u (local.get $p) (local.get $kc)))))
        (else
          (loop $zeros
            (f32.store (local.get $to) (f32.const 0))
            (local.set $to (i32.add (local.get $to) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $zeros (i32.lt_u (local.get $p) (local.get $kc))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $mc)))
      (br_if $rows (i32.and (local.get $i) (i32.const 3)))))

  ;; The float64 micro-kernel: a 4×4 tile of C += (4×kc strip of packed A)·(kc×4 strip of packed B).
  ;; Row r of the tile lives in $c{r}a (columns 0–1) and $c{r}b (columns 2–3). kc ≥ 1.
  (func $kernel_f64
    (param $pa i32) (param $pb i32) (param $kc i32) (param $pc i32) (param $ldc i32) (param $mr i32) (param $nr i32)
    (local $end i32) (local $i i32) (local $j i32) (local $to i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c0a v128) (local $c0b v128) (local $c1a v128) (local $c1b v128)
    (local $c2a v128) (local $c2b v128) (local $c3a v128) (local $c3b v128)
    (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $kc) (i32.const 32))))
    (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load64_splat (local.get $pa)))
      (local.set $c0a (f64x2.add (local.get $c0a) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c0b (f64x2.add (local.get $c0b) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load64_splat offset=8 (local.get $pa)))
      (local.set $c1a (f64x2.add (local.get $c1a) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c1b (f64x2.add (local.get $c1b) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load64_splat offset=16 (local.get $pa)))
      (local.set $c2a (f64x2.add (local.get $c2a) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c2b (f64x2.add (local.get $c2b) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load64_splat offset=24 (local.get $pa)))
      (local.set $c3a (f64x2.add (local.get $c3a) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c3b (f64x2.add (local.get $c3b) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $k (i32.ne (local.get $pb) (local.get $end))))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 4)))
      (then
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c0a)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c0b)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c1a)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c1b)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c2a)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c2b)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f64x2.add (v128.load (local.get $pc)) (local.get $c3a)))
        (v128.store offset=16 (local.get $pc) (f64x2.add (v128.load offset=16 (local.get $pc)) (local.get $c3b)))
        (return)))
    ;; an edge tile: park it in the scratch tile (row r at byte 32·r), add only the mr × nr valid part
    (v128.store offset=0 (i32.const 0) (local.get $c0a))
    (v128.store offset=16 (i32.const 0) (local.get $c0b))
    (v128.store offset=32 (i32.const 0) (local.get $c1a))
    (v128.store offset=48 (i32.const 0) (local.get $c1b))
    (v128.store offset=64 (i32.const 0) (local.get $c2a))
    (v128.store offset=80 (i32.const 0) (local.get $c2b))
    (v128.store offset=96 (i32.const 0) (local.get $c3a))
    (v128.store offset=112 (i32.const 0) (local.get $c3b))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $to (i32.add (local.get $pc) (i32.mul (local.get $i) (local.get $ldc))))
      (local.set $j (i32.const 0))
      (loop $cols
        (f64.store (i32.add (local.get $to) (i32.mul (local.get $j) (i32.const 8)))
          (f64.add
            (f64.load (i32.add (local.get $to) (i32.mul (local.get $j) (i32.const 8))))
            (f64.load (i32.add (i32.mul (local.get $i) (i32.const 32)) (i32.mul (local.get $j) (i32.const 8))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $mr)))))

  ;; The float32 micro-kernel: a 4×8 tile of C += (4×kc strip of packed A)·(kc×8 strip of packed B).
  ;; Row r of the tile lives in $c{r}a (columns 0–3) and $c{r}b (columns 4–7). kc ≥ 1.
  (func $kernel_f32
    (param $pa i32) (param $pb i32) (param $kc i32) (param $pc i32) (param $ldc i32) (param $mr i32) (param $nr i32)
    (local $end i32) (local $i i32) (local $j i32) (local $to i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c0a v128) (local $c0b v128) (local $c1a v128) (local $c1b v128)
    (local $c2a v128) (local $c2b v128) (local $c3a v128) (local $c3b v128)
    (local.set $end (i32.add (local.get $pb) (i32.mul (local.get $kc) (i32.const 32))))
    (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load32_splat (local.get $pa)))
      (local.set $c0a (f32x4.add (local.get $c0a) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c0b (f32x4.add (local.get $c0b) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c1a (f32x4.add (local.get $c1a) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c1b (f32x4.add (local.get $c1b) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c2a (f32x4.add (local.get $c2a) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c2b (f32x4.add (local.get $c2b) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c3a (f32x4.add (local.get $c3a) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c3b (f32x4.add (local.get $c3b) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $k (i32.ne (local.get $pb) (local.get $end))))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
      (then
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c0a)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c0b)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c1a)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c1b)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c2a)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c2b)))
        (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
        (v128.store (local.get $pc) (f32x4.add (v128.load (local.get $pc)) (local.get $c3a)))
        (v128.store offset=16 (local.get $pc) (f32x4.add (v128.load offset=16 (local.get $pc)) (local.get $c3b)))
        (return)))
    (v128.store offset=0 (i32.const 0) (local.get $c0a))
    (v128.store offset=16 (i32.const 0) (local.get $c0b))
    (v128.store offset=32 (i32.const 0) (local.get $c1a))
    (v128.store offset=48 (i32.const 0) (local.get $c1b))
    (v128.store offset=64 (i32.const 0) (local.get $c2a))
    (v128.store offset=80 (i32.const 0) (local.get $c2b))
    (v128.store offset=96 (i32.const 0) (local.get $c3a))
    (v128.store offset=112 (i32.const 0) (local.get $c3b))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $to (i32.add (local.get $pc) (i32.mul (local.get $i) (local.get $ldc))))
      (local.set $j (i32.const 0))
      (loop $cols
        (f32.store (i32.add (local.get $to) (i32.mul (local.get $j) (i32.const 4)))
          (f32.add
            (f32.load (i32.add (local.get $to) (i32.mul (local.get $j) (i32.const 4))))
            (f32.load (i32.add (i32.mul (local.get $i) (i32.const 32)) (i32.mul (local.get $j) (i32.const 4))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $mr)))))
)
