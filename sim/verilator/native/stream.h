// AXI4-Stream sources and sinks run in native code around the clock loop (part of shim.cpp).
// Port storage is Verilator's little-endian layout, so a port's bytes in memory are its bit
// lanes in order: tdata byte i is tdata[8i+7:8i] at any width, VlWide included.
//
// Layouts shared with sim/verilator/stream.ts (keep in step):
//   params Float64Array: [maxCycles, stopWhenDone, idleCycles, stallCycles, nSrc, nSnk,
//                         then per endpoint 8 slots: tdata, tkeep, tlast, tvalid, tready, tuser, thresh, count]
//     port slots are indexes into the port table or -1; thresh is a 32-bit probability threshold
//     (gap for a source, tready low for a sink); count is the frame count (source) or the number of
//     frames to wait for (sink, 0 = none).
//   bufs: per endpoint [data Uint8Array, lens Uint32Array, users Uint32Array|null, state Float64Array(8)]
//   source state: [frame, pos, presenting, rng, offset, beats, bytes, -]
//   sink state:   [frames, used, cur, rng, -, beats, bytes, -]
// Returns 0 done, 1 maxCycles, 2 stalled, 3 a sink buffer is full (grow it and call again).

#include <algorithm>

struct ToePortRef {
  uint8_t* p = nullptr;
  int bytes = 0;
  int width = 0;
  bool on() const { return p != nullptr; }
};

static inline uint32_t toe_xorshift(uint32_t& x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

static inline uint32_t toe_get_u32(const ToePortRef& r) {
  switch (r.bytes) {
    case 1: return *r.p;
    case 2: return *(const uint16_t*)r.p;
    default: return *(const uint32_t*)r.p;  // 8-byte and wide storage: the low 32 bits come first
  }
}

static inline void toe_set_u32(const ToePortRef& r, uint32_t v) {
  if (r.width < 32) v &= (1u << r.width) - 1;
  switch (r.bytes) {
    case 1: *r.p = (uint8_t)v; break;
    case 2: *(uint16_t*)r.p = (uint16_t)v; break;
    case 4: *(uint32_t*)r.p = v; break;
    default: std::memset(r.p, 0, r.bytes); *(uint32_t*)r.p = v; break;
  }
}

// Byte copy with the common beat sizes as fixed-size copies (inlined, no libc call).
static inline void toe_copy(uint8_t* dst, const uint8_t* src, int n) {
  switch (n) {
    case 1: *dst = *src; break;
    case 2: std::memcpy(dst, src, 2); break;
    case 4: std::memcpy(dst, src, 4); break;
    case 8: std::memcpy(dst, src, 8); break;
    case 16: std::memcpy(dst, src, 16); break;
    case 32: std::memcpy(dst, src, 32); break;
    case 64: std::memcpy(dst, src, 64); break;
    default: std::memcpy(dst, src, n); break;
  }
}

// Sets the low n bits of a port to one and the rest of its storage to zero.
static inline void toe_set_ones(const ToePortRef& r, int n) {
  if (r.bytes <= 8) {
    const uint64_t v = n >= 64 ? ~0ull : (1ull << n) - 1;
    switch (r.bytes) {
      case 1: *r.p = (uint8_t)v; return;
      case 2: *(uint16_t*)r.p = (uint16_t)v; return;
      case 4: *(uint32_t*)r.p = (uint32_t)v; return;
      default: *(uint64_t*)r.p = v; return;
    }
  }
  int full = n >> 3;
  std::memset(r.p, 0xff, full);
  if (full < r.bytes) {
    r.p[full] = (uint8_t)((1u << (n & 7)) - 1);
    if (full + 1 < r.bytes) std::memset(r.p + full + 1, 0, r.bytes - full - 1);
  }
}

struct ToeEndpoint {
  ToePortRef data, keep, last, valid, ready, user;
  int beatBytes = 0;
  uint32_t thresh = 0;
  uint32_t count = 0;
  uint8_t* buf = nullptr;
  size_t bufLen = 0;
  uint32_t* lens = nullptr;
  size_t lensLen = 0;
  uint32_t* users = nullptr;
  double* state = nullptr;
  // working copies of state
  uint32_t frame = 0, pos = 0, rng = 1;
  bool presenting = false, readyNow = true;
  size_t offset = 0, used = 0, cur = 0;
  double beats = 0, bytes = 0;
};

static void toe_src_load(ToeEndpoint& s) {
  const uint32_t len = s.lens[s.frame];
  const uint32_t n = std::min<uint32_t>((uint32_t)s.beatBytes, len - s.pos);
  if ((int)n == s.beatBytes) {
    toe_copy(s.data.p, s.buf + s.offset + s.pos, n);
  } else {
    std::memcpy(s.data.p, s.buf + s.offset + s.pos, n);
    std::memset(s.data.p + n, 0, s.beatBytes - n);
  }
  if (s.keep.on()) toe_set_ones(s.keep, (int)n);
  if (s.last.on()) *s.last.p = (s.pos + n >= len) ? 1 : 0;
  if (s.user.on()) toe_set_u32(s.user, s.users ? s.users[s.frame] : 0);
}

// Called after the clk=0 eval, before the rising edge: both sides of every handshake are settled.
static inline bool toe_src_sample(ToeEndpoint& s) {
  if (!s.presenting || !(*s.ready.p & 1)) return false;
  const uint32_t len = s.lens[s.frame];
  const uint32_t n = std::min<uint32_t>((uint32_t)s.beatBytes, len - s.pos);
  s.pos += n;
  s.beats += 1;
  s.bytes += n;
  if (s.pos >= len) {
    s.offset += len;
    s.frame++;
    s.pos = 0;
  }
  s.presenting = false;
  return true;
}

// True when the low n bits of a keep port are all ones (the common case: a full beat).
static inline bool toe_all_ones(const uint8_t* kp, int n) {
  int full = n >> 3;
  for (int i = 0; i < full; i++)
    if (kp[i] != 0xff) return false;
  int rest = n & 7;
  return !rest || (kp[full] & ((1u << rest) - 1)) == (1u << rest) - 1;
}

static inline bool toe_snk_sample(ToeEndpoint& k) {
  if (!k.readyNow || !(*k.valid.p & 1)) return false;
  // Locals: stores through uint8_t* may alias anything, so fields would be reloaded per byte.
  const uint8_t* const d = k.data.p;
  uint8_t* const out = k.buf + k.used;
  const int nb = k.beatBytes;
  size_t taken;
  if (!k.keep.on() || toe_all_ones(k.keep.p, nb)) {
    toe_copy(out, d, nb);
    taken = nb;
  } else {
    const uint8_t* const kp = k.keep.p;
    taken = 0;
    for (int i = 0; i < nb; i++)
      if ((kp[i >> 3] >> (i & 7)) & 1) out[taken++] = d[i];
  }
  // A frame's tuser is the OR over its beats (flags raised on any beat; per-frame values held on every beat).
  if (k.users) {
    const uint32_t u = k.user.on() ? toe_get_u32(k.user) : 0;
    k.users[k.frame] = (k.cur == 0 ? 0u : k.users[k.frame]) | u;
  }
  k.used += taken;
  k.cur += taken;
  k.beats += 1;
  k.bytes += (double)taken;
  if (!k.last.on() || (*k.last.p & 1)) {
    k.lens[k.frame++] = (uint32_t)k.cur;
    k.cur = 0;
  }
  return true;
}

struct ToeStreamRun {
  double maxCycles = 0;
  bool stopWhenDone = true;
  double idleCycles = 0, stallCycles = 0;
  int nSrc = 0, nSnk = 0;
  ToeEndpoint* src = nullptr;
  ToeEndpoint* snk = nullptr;
};

static void toe_stream_load_state(ToeStreamRun& R) {
  for (int i = 0; i < R.nSrc; i++) {
    ToeEndpoint& s = R.src[i];
    s.frame = (uint32_t)s.state[0];
    s.pos = (uint32_t)s.state[1];
    s.presenting = s.state[2] != 0;
    s.rng = (uint32_t)s.state[3];
    if (!s.rng) s.rng = 0x9e3779b9u;
    s.offset = (size_t)s.state[4];
    s.beats = s.state[5];
    s.bytes = s.state[6];
    // Bytes of tdata/tkeep storage above the lanes are never written below: clear them once.
    if (s.data.bytes > s.beatBytes) std::memset(s.data.p + s.beatBytes, 0, s.data.bytes - s.beatBytes);
    if (s.presenting && s.frame < s.count) toe_src_load(s);
    else s.presenting = false;  // a beat offered at the end of the last call stays offered
    *s.valid.p = s.presenting ? 1 : 0;
  }
  for (int i = 0; i < R.nSnk; i++) {
    ToeEndpoint& k = R.snk[i];
    k.frame = (uint32_t)k.state[0];
    k.used = (size_t)k.state[1];
    k.cur = (size_t)k.state[2];
    k.rng = (uint32_t)k.state[3];
    if (!k.rng) k.rng = 0x2545f491u;
    k.beats = k.state[5];
    k.bytes = k.state[6];
  }
}

static void toe_stream_save_state(ToeStreamRun& R) {
  for (int i = 0; i < R.nSrc; i++) {
    ToeEndpoint& s = R.src[i];
    s.state[0] = s.frame;
    s.state[1] = s.pos;
    s.state[2] = s.presenting ? 1 : 0;
    s.state[3] = s.rng;
    s.state[4] = (double)s.offset;
    s.state[5] = s.beats;
    s.state[6] = s.bytes;
  }
  for (int i = 0; i < R.nSnk; i++) {
    ToeEndpoint& k = R.snk[i];
    k.state[0] = k.frame;
    k.state[1] = (double)k.used;
    k.state[2] = (double)k.cur;
    k.state[3] = k.rng;
    k.state[5] = k.beats;
    k.state[6] = k.bytes;
  }
}

// The loop. half(v) drives the default clock to v, evals and advances time; false when the model stopped.
template <typename Half>
static int toe_stream_loop(ToeStreamRun& R, Half half, bool& stopped) {
  // Locals for everything read per cycle: eval() is opaque to the compiler, fields would be reloaded.
  const uint64_t maxCycles = R.maxCycles >= 9.0e18 ? UINT64_MAX : (uint64_t)R.maxCycles;
  const uint64_t idleCycles = (uint64_t)R.idleCycles, stallCycles = (uint64_t)R.stallCycles;
  const bool stopWhenDone = R.stopWhenDone;
  const int nSrc = R.nSrc, nSnk = R.nSnk;
  ToeEndpoint* const src = R.src;
  ToeEndpoint* const snk = R.snk;
  uint64_t cycles = 0, idle = 0, quiet = 0;
  stopped = false;
  if (nSrc == 0 && nSnk == 0) {
    // Nothing to drive or sample: the same cycles as the general loop below (which, with no endpoints, is done
    // after max(idleCycles, 1) cycles), without its per-cycle bookkeeping.
    uint64_t target = maxCycles;
    int code = 1;
    const uint64_t untilIdle = idleCycles > 0 ? idleCycles : 1;
    if (stopWhenDone && untilIdle <= maxCycles) { target = untilIdle; code = 0; }
    for (uint64_t c = 0; c < target; c++) {
      if (!half(0) || !half(1)) { stopped = true; return -1; }
    }
    return code;
  }
  for (;;) {
    if (cycles >= maxCycles) return 1;
    // Drive: a source decides on a gap only between beats (tvalid stays up until accepted).
    for (int i = 0; i < nSrc; i++) {
      ToeEndpoint& s = src[i];
      if (!s.presenting && s.frame < s.count) {
        if (!(s.thresh && toe_xorshift(s.rng) < s.thresh)) {
          toe_src_load(s);
          s.presenting = true;
        }
      }
      *s.valid.p = s.presenting ? 1 : 0;
    }
    for (int i = 0; i < nSnk; i++) {
      ToeEndpoint& k = snk[i];
      k.readyNow = !(k.thresh && toe_xorshift(k.rng) < k.thresh);
      // Room for one more beat and one more frame length, else hand back before the edge.
      if (k.readyNow && (k.used + k.beatBytes > k.bufLen || k.frame >= k.lensLen)) return 3;
      *k.ready.p = k.readyNow ? 1 : 0;
    }
    if (!half(0)) { stopped = true; return -1; }
    bool moved = false, out = false;
    for (int i = 0; i < nSrc; i++) moved |= toe_src_sample(src[i]);
    for (int i = 0; i < nSnk; i++) out |= toe_snk_sample(snk[i]);
    if (!half(1)) { stopped = true; return -1; }
    cycles++;
    if (!stopWhenDone) continue;
    quiet = (moved || out) ? 0 : quiet + 1;
    bool done = true;
    for (int i = 0; i < nSrc && done; i++) done = src[i].frame >= src[i].count && !src[i].presenting;
    for (int i = 0; i < nSnk && done; i++) done = snk[i].frame >= snk[i].count;
    if (done) {
      idle = out ? 0 : idle + 1;
      if (idle >= idleCycles) return 0;
    } else if (quiet >= stallCycles) {
      return 2;
    }
  }
}
