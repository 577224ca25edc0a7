;; The JSON string escape of UTF-8 bytes, for the SLS-layout body thread (body-threads.ts,
;; [G] round 6): the bytes JSON.stringify writes between a string's quotes for well-formed text.
;; `"` and `\` get a backslash; control characters below 0x20 their short form (\b \t \n \f \r)
;; or \u00xx with lowercase hex; every other byte, UTF-8 sequences included, is copied. Sixteen
;; bytes are looked at per step (SIMD): copied whole, then the position moves to the first that
;; needs an escape. In JavaScript the same loop cost ~4 ns per byte (measured: 4.9 µs of a ~1.1 KB
;; event), here ~1 ns. Rebuild json-escape-wasm.ts with `node scripts/build-json-escape-wasm.mjs`.
(module
  (memory (export "memory") 1)
  ;; Bytes 0..31: the short escape of each control character (0: none, \u00xx); 32..47: hex
  ;; digits. Callers keep their data from byte 64 on.
  (data (i32.const 8) "btn\00fr")
  (data (i32.const 32) "0123456789abcdef")
  ;; Writes the JSON string escape of the bytes [src, end) at dst; returns where it ends.
  ;; Reads up to 15 bytes past end and writes up to 16 bytes past the result: callers leave room.
  (func (export "escape") (param $src i32) (param $end i32) (param $dst i32) (result i32)
    (local $v v128) (local $n i32) (local $b i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (v128.store (local.get $dst) (local.get $v))
        (local.set $n
          (i32.ctz
            (i32.or
              (i8x16.bitmask
                (v128.or
                  (v128.or
                    (i8x16.lt_u (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32))
                    (i8x16.eq (local.get $v) (v128.const i8x16 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34)))
                  (i8x16.eq (local.get $v) (v128.const i8x16 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92))))
              (i32.const 0x10000))))
        (if (i32.gt_u (local.get $n) (i32.sub (local.get $end) (local.get $src)))
          (then (local.set $n (i32.sub (local.get $end) (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (local.get $n)))
        (local.set $dst (i32.add (local.get $dst) (local.get $n)))
        (br_if $next (i32.eq (local.get $n) (i32.const 16)))
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (i32.store8 (local.get $dst) (i32.const 92))
        (if (i32.ge_u (local.get $b) (i32.const 32))
          (then
            (i32.store8 offset=1 (local.get $dst) (local.get $b))
            (local.set $dst (i32.add (local.get $dst) (i32.const 2))))
          (else
            (local.set $s (i32.load8_u (local.get $b)))
            (if (local.get $s)
              (then
                (i32.store8 offset=1 (local.get $dst) (local.get $s))
                (local.set $dst (i32.add (local.get $dst) (i32.const 2))))
              (else
                ;; u00 and the two hex digits (lowercase, as JSON.stringify writes them)
                (i32.store offset=1 (local.get $dst) (i32.const 0x00303075))
                (i32.store8 offset=4 (local.get $dst) (i32.load8_u offset=32 (i32.shr_u (local.get $b) (i32.const 4))))
                (i32.store8 offset=5 (local.get $dst) (i32.load8_u offset=32 (i32.and (local.get $b) (i32.const 15))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 6)))))))
        (br $next)))
    (local.get $dst)))
