// Node-API addon around one Verilated model: one model instance per loaded shared object, so the
// per-cycle entry points are static functions taking no arguments (see shared/design/facts.md §1).
// Built per model by sim/verilator/build.ts with toe_ports.h generated from the model's header.
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "verilated.h"
#include "Vmodel.h"
#if VM_TRACE_FST
#include "verilated_fst_c.h"
typedef VerilatedFstC ToeTrace;
#define TOE_TRACE_KIND "fst"
#elif VM_TRACE
#include "verilated_vcd_c.h"
typedef VerilatedVcdC ToeTrace;
#define TOE_TRACE_KIND "vcd"
#else
#define TOE_TRACE_KIND ""
#endif

struct ToePortInfo {
  const char* name;
  int width;
  int dir;  // 0 in, 1 out, 2 inout
  int bytes;
};
#include "toe_ports.h"

#include "stream.h"

// Memory shared with JS as a Float64Array: [cycles, stopped]. Both sides may write cycles.
struct ToeShared {
  double cycles;
  double stopped;  // 0 running, 1 $finish, 2 $stop, 3 fatal
};
static ToeShared g_sh;

static VerilatedContext* g_ctx = nullptr;
static Vmodel* g_top = nullptr;
static void* g_ptr[TOE_NPORTS ? TOE_NPORTS : 1];
static napi_ref g_bufref[TOE_NPORTS ? TOE_NPORTS : 1];
static uint8_t* g_clk = nullptr;  // the default clock's storage (a 1-bit port is a CData)
static uint64_t g_t = 0;          // simulation time in the context's precision units
static uint64_t g_half = 1;       // half period of the default clock, same units
static double g_units_per_ps = 1;
static std::string g_stop_msg;
#if VM_TRACE
static ToeTrace* g_tfp = nullptr;
#endif

// ---- $finish / $stop / fatal: record and return instead of exiting the process --------------
// Compiled with -DVL_USER_FINISH -DVL_USER_STOP -DVL_USER_FATAL so these replace Verilator's own.

struct ToeFatal {};

static void toe_stop(int kind, const char* file, int line, const char* what) {
  if (g_sh.stopped != 0) return;  // the first reason is the one worth reporting
  g_sh.stopped = kind;
  char where[64] = "";
  if (file && file[0]) std::snprintf(where, sizeof where, ":%d", line);
  g_stop_msg = std::string(what) + (file && file[0] ? std::string(" at ") + file + where : std::string());
}

void vl_finish(const char* file, int line, const char*) VL_MT_UNSAFE {
  Verilated::threadContextp()->gotFinish(true);
  toe_stop(1, file, line, "Verilog $finish");
}

void vl_stop(const char* file, int line, const char*) VL_MT_UNSAFE {
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
  toe_stop(2, file, line, "Verilog $stop or $fatal");
}

void vl_fatal(const char* file, int line, const char*, const char* msg) VL_MT_UNSAFE {
  Verilated::threadContextp()->gotError(true);
  Verilated::threadContextp()->gotFinish(true);
  toe_stop(3, file, line, (std::string("Verilator fatal error: ") + msg).c_str());
  throw ToeFatal{};  // Verilator's own would abort(); unwinding to the napi entry point reports it
}

// ---- helpers ---------------------------------------------------------------------------------

static napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value throw_err(napi_env env, const char* code, const std::string& msg) {
  napi_throw_error(env, code, msg.c_str());
  return nullptr;
}

static napi_value throw_stopped(napi_env env) {
  static const char* codes[] = {"", "VERILOG_FINISH", "VERILOG_STOP", "VERILATOR_FATAL"};
  char when[96];
  std::snprintf(when, sizeof when, " (sim time %.0f ps, cycle %.0f)", (double)g_t / g_units_per_ps, g_sh.cycles);
  return throw_err(env, codes[(int)g_sh.stopped], "model " + std::string(TOE_MODEL_TOP) + ": " + g_stop_msg + when);
}

static bool need_model(napi_env env) {
  if (g_top) return true;
  throw_err(env, "MODEL_DISPOSED", "model " TOE_MODEL_TOP " is not created or already disposed");
  return false;
}

static int arg_int(napi_env env, napi_value v, int dflt) {
  int32_t r;
  return napi_get_value_int32(env, v, &r) == napi_ok ? r : dflt;
}

static double arg_double(napi_env env, napi_value v, double dflt) {
  double r;
  return napi_get_value_double(env, v, &r) == napi_ok ? r : dflt;
}

// Moves simulation time forward; the waveform gets the state at the old time first, so several
// evals at one time end up as a single dump of the final state.
static inline void toe_goto(uint64_t t) {
#if VM_TRACE
  if (g_tfp) g_tfp->dump(g_t);
#endif
  g_t = t;
  g_ctx->time(t);
}

// One half cycle of a clock: drive, eval, advance half a period. False if the model stopped.
static inline bool toe_half(uint8_t* clk, uint8_t v, uint64_t half) {
  *clk = v;
  g_top->eval();
  toe_goto(g_t + half);
  return g_sh.stopped == 0;
}

// Catches ToeFatal (and anything else C++) thrown out of eval and turns it into a JS exception.
#define TOE_GUARD_BEGIN try {
#define TOE_GUARD_END                                                                  \
  }                                                                                    \
  catch (const ToeFatal&) {                                                            \
    return throw_stopped(env);                                                         \
  }                                                                                    \
  catch (const std::exception& e) {                                                    \
    return throw_err(env, "VERILATOR_EXCEPTION", std::string("C++ exception: ") + e.what()); \
  }

// ---- lifecycle -------------------------------------------------------------------------------

// create(clockPortIndex | -1, halfPeriodPs)
static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (g_top) return throw_err(env, "MODEL_LIVE", "this shared object already holds a live model");
  int clk = argc > 0 ? arg_int(env, argv[0], -1) : -1;
  double halfPs = argc > 1 ? arg_double(env, argv[1], 5000) : 5000;
  TOE_GUARD_BEGIN
  g_sh.cycles = 0;
  g_sh.stopped = 0;
  g_stop_msg.clear();
  g_t = 0;
  g_ctx = new VerilatedContext;
  g_ctx->fatalOnError(false);
#if VM_TRACE
  g_ctx->traceEverOn(true);
#endif
  g_top = new Vmodel{g_ctx, "TOP"};
  toe_bind_ports(g_top, g_ptr);
  // Context time counts units of the design's time precision (-12 = 1 ps with our --timescale).
  g_units_per_ps = std::pow(10.0, -12 - g_ctx->timeprecision());
  g_half = (uint64_t)std::llround(halfPs * g_units_per_ps);
  if (g_half == 0) g_half = 1;
  g_clk = clk >= 0 && clk < TOE_NPORTS ? (uint8_t*)g_ptr[clk] : nullptr;
  g_top->eval();  // initial blocks and settled outputs at time 0
  if (g_sh.stopped) return throw_stopped(env);
  return undef(env);
  TOE_GUARD_END
}

static napi_value js_destroy(napi_env env, napi_callback_info) {
  if (!g_top) return undef(env);
#if VM_TRACE
  if (g_tfp) {
    g_tfp->dump(g_t);
    g_tfp->close();
    delete g_tfp;
    g_tfp = nullptr;
  }
#endif
  try {
    g_top->final();
  } catch (...) {
  }
  // JS views alias the model's memory: detach them before it is freed.
  for (int i = 0; i < TOE_NPORTS; i++) {
    if (!g_bufref[i]) continue;
    napi_value ab;
    if (napi_get_reference_value(env, g_bufref[i], &ab) == napi_ok && ab) napi_detach_arraybuffer(env, ab);
    napi_delete_reference(env, g_bufref[i]);
    g_bufref[i] = nullptr;
  }
  delete g_top;
  g_top = nullptr;
  delete g_ctx;
  g_ctx = nullptr;
  g_clk = nullptr;
  return undef(env);
}

static void set_prop(napi_env env, napi_value obj, const char* key, napi_value v) {
  napi_set_named_property(env, obj, key, v);
}

static napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

static napi_value str(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

// The static port table: [{name, width, dir, bytes}] in the model's declaration order.
static napi_value port_table(napi_env env) {
  napi_value arr;
  napi_create_array_with_length(env, TOE_NPORTS, &arr);
  for (int i = 0; i < TOE_NPORTS; i++) {
    const ToePortInfo& p = toe_port_info[i];
    napi_value o;
    napi_create_object(env, &o);
    set_prop(env, o, "name", str(env, p.name));
    set_prop(env, o, "width", num(env, p.width));
    set_prop(env, o, "dir", str(env, p.dir == 0 ? "in" : p.dir == 1 ? "out" : "inout"));
    set_prop(env, o, "bytes", num(env, p.bytes));
    napi_set_element(env, arr, i, o);
  }
  return arr;
}

// portBuffers(): one ArrayBuffer per port aliasing its storage in the live model.
static napi_value js_port_buffers(napi_env env, napi_callback_info) {
  if (!need_model(env)) return nullptr;
  napi_value arr;
  napi_create_array_with_length(env, TOE_NPORTS, &arr);
  for (int i = 0; i < TOE_NPORTS; i++) {
    napi_value ab;
    if (!g_bufref[i]) {
      if (napi_create_external_arraybuffer(env, g_ptr[i], toe_port_info[i].bytes, nullptr, nullptr, &ab) != napi_ok)
        return throw_err(env, "NAPI", "napi_create_external_arraybuffer failed");
      napi_create_reference(env, ab, 1, &g_bufref[i]);
    } else {
      napi_get_reference_value(env, g_bufref[i], &ab);
    }
    napi_set_element(env, arr, i, ab);
  }
  return arr;
}

static napi_value js_shared(napi_env env, napi_callback_info) {
  napi_value ab;
  napi_create_external_arraybuffer(env, &g_sh, sizeof g_sh, nullptr, nullptr, &ab);
  return ab;
}

// ---- per-cycle entry points --------------------------------------------------------------------

static napi_value js_eval(napi_env env, napi_callback_info) {
  if (!need_model(env)) return nullptr;
  if (g_sh.stopped) return throw_stopped(env);
  TOE_GUARD_BEGIN
  g_top->eval();
  if (g_sh.stopped) return throw_stopped(env);
  TOE_GUARD_END
  return nullptr;  // undefined
}

// tick(): one cycle of the default clock (0, eval, 1, eval), time advancing half a period each.
static napi_value js_tick(napi_env env, napi_callback_info) {
  if (!g_clk) {
    if (!need_model(env)) return nullptr;
    return throw_err(env, "NO_CLOCK", "model " TOE_MODEL_TOP " has no default clock: pass the clock port to tick()");
  }
  if (g_sh.stopped) return throw_stopped(env);
  TOE_GUARD_BEGIN
  if (!toe_half(g_clk, 0, g_half) || !toe_half(g_clk, 1, g_half)) return throw_stopped(env);
  g_sh.cycles += 1;
  TOE_GUARD_END
  return nullptr;
}

// tickPort(portIndex, halfPeriodPs): one cycle of another clock (does not count model cycles).
static napi_value js_tick_port(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (!need_model(env)) return nullptr;
  if (g_sh.stopped) return throw_stopped(env);
  int idx = arg_int(env, argv[0], -1);
  if (idx < 0 || idx >= TOE_NPORTS || toe_port_info[idx].bytes != 1) return throw_err(env, "BAD_CLOCK", "tickPort: bad clock port index");
  uint64_t half = (uint64_t)std::llround(arg_double(env, argv[1], 5000) * g_units_per_ps);
  if (!half) half = 1;
  uint8_t* clk = (uint8_t*)g_ptr[idx];
  TOE_GUARD_BEGIN
  if (!toe_half(clk, 0, half) || !toe_half(clk, 1, half)) return throw_stopped(env);
  TOE_GUARD_END
  return nullptr;
}

// evalAt(timePs): advance time to timePs (never backwards), then eval. For the multi-clock scheduler.
static napi_value js_eval_at(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (!need_model(env)) return nullptr;
  if (g_sh.stopped) return throw_stopped(env);
  uint64_t t = (uint64_t)std::llround(arg_double(env, argv[0], 0) * g_units_per_ps);
  TOE_GUARD_BEGIN
  if (t > g_t) toe_goto(t);
  g_top->eval();
  if (g_sh.stopped) return throw_stopped(env);
  TOE_GUARD_END
  return nullptr;
}

static napi_value js_time_ps(napi_env env, napi_callback_info) {
  return num(env, (double)g_t / g_units_per_ps);
}

// runCycles(n): n cycles of the default clock in native code; returns the cycles run.
static napi_value js_run_cycles(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (!need_model(env)) return nullptr;
  if (!g_clk) return throw_err(env, "NO_CLOCK", "model " TOE_MODEL_TOP " has no default clock");
  if (g_sh.stopped) return throw_stopped(env);
  double n = arg_double(env, argv[0], 0);
  uint8_t* clk = g_clk;
  const uint64_t half = g_half;
  TOE_GUARD_BEGIN
  for (double i = 0; i < n; i += 1) {
    if (!toe_half(clk, 0, half) || !toe_half(clk, 1, half)) return throw_stopped(env);
    g_sh.cycles += 1;
  }
  TOE_GUARD_END
  return num(env, n);
}

// ---- waveforms -------------------------------------------------------------------------------

static napi_value js_trace_open(napi_env env, napi_callback_info info) {
  if (!need_model(env)) return nullptr;
#if VM_TRACE
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char path[4096];
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok)
    return throw_err(env, "BAD_ARG", "traceOpen(path): path must be a string");
  if (g_tfp) return throw_err(env, "TRACE_OPEN", "a trace is already open: closeTrace() first");
  TOE_GUARD_BEGIN
  g_tfp = new ToeTrace;
  g_top->trace(g_tfp, 99);
  g_tfp->open(path);
  if (!g_tfp->isOpen()) {
    delete g_tfp;
    g_tfp = nullptr;
    return throw_err(env, "TRACE_OPEN", std::string("cannot open trace file ") + path);
  }
  TOE_GUARD_END
  return undef(env);
#else
  (void)info;
  return throw_err(env, "NO_TRACE", "model " TOE_MODEL_TOP " was built without tracing (spec.trace or TOE_WAVES=1)");
#endif
}

static napi_value js_trace_close(napi_env env, napi_callback_info) {
#if VM_TRACE
  if (g_tfp) {
    g_tfp->dump(g_t);  // the state at the current time was not written yet
    g_tfp->close();
    delete g_tfp;
    g_tfp = nullptr;
  }
#endif
  return undef(env);
}

static napi_value js_trace_flush(napi_env env, napi_callback_info) {
#if VM_TRACE
  if (g_tfp) g_tfp->flush();
#endif
  return undef(env);
}

// ---- stream fast path --------------------------------------------------------------------------

static bool port_ref(int idx, ToePortRef& r) {
  if (idx < 0) return true;
  if (idx >= TOE_NPORTS) return false;
  r.p = (uint8_t*)g_ptr[idx];
  r.bytes = toe_port_info[idx].bytes;
  r.width = toe_port_info[idx].width;
  return true;
}

static bool typed(napi_env env, napi_value v, void** data, size_t* count) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) {
    *data = nullptr;
    *count = 0;
    return false;
  }
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  napi_get_typedarray_info(env, v, &t, count, data, &ab, &off);
  return true;
}

// runStreams(params: Float64Array, bufs: Array) -> status (see stream.h)
static napi_value js_run_streams(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (!need_model(env)) return nullptr;
  if (!g_clk) return throw_err(env, "NO_CLOCK", "model " TOE_MODEL_TOP " has no default clock");
  if (g_sh.stopped) return throw_stopped(env);
  double* P;
  size_t np;
  if (argc < 2 || !typed(env, argv[0], (void**)&P, &np) || np < 6) return throw_err(env, "BAD_ARG", "runStreams: bad params");
  ToeStreamRun R;
  R.maxCycles = P[0];
  R.stopWhenDone = P[1] != 0;
  R.idleCycles = P[2];
  R.stallCycles = P[3];
  R.nSrc = (int)P[4];
  R.nSnk = (int)P[5];
  const int n = R.nSrc + R.nSnk;
  if (np < 6 + 8 * (size_t)n) return throw_err(env, "BAD_ARG", "runStreams: params too short");
  ToeEndpoint eps[64];
  if (n > 64) return throw_err(env, "BAD_ARG", "runStreams: at most 64 endpoints");
  R.src = eps;
  R.snk = eps + R.nSrc;
  for (int e = 0; e < n; e++) {
    ToeEndpoint& ep = eps[e];
    const double* d = P + 6 + 8 * e;
    if (!port_ref((int)d[0], ep.data) || !port_ref((int)d[1], ep.keep) || !port_ref((int)d[2], ep.last) ||
        !port_ref((int)d[3], ep.valid) || !port_ref((int)d[4], ep.ready) || !port_ref((int)d[5], ep.user) ||
        !ep.data.on() || !ep.valid.on() || !ep.ready.on())
      return throw_err(env, "BAD_ARG", "runStreams: bad port index");
    ep.beatBytes = ep.data.width / 8;
    ep.thresh = (uint32_t)d[6];
    ep.count = (uint32_t)d[7];
    napi_value b;
    void* ptr;
    size_t cnt;
    napi_get_element(env, argv[1], 4 * e + 0, &b);
    if (!typed(env, b, &ptr, &cnt)) return throw_err(env, "BAD_ARG", "runStreams: data must be a Uint8Array");
    ep.buf = (uint8_t*)ptr;
    ep.bufLen = cnt;
    napi_get_element(env, argv[1], 4 * e + 1, &b);
    if (!typed(env, b, &ptr, &cnt)) return throw_err(env, "BAD_ARG", "runStreams: lens must be a Uint32Array");
    ep.lens = (uint32_t*)ptr;
    ep.lensLen = cnt;
    napi_get_element(env, argv[1], 4 * e + 2, &b);
    typed(env, b, &ptr, &cnt);  // users: optional
    ep.users = cnt ? (uint32_t*)ptr : nullptr;
    if (ep.users && cnt < ep.lensLen) return throw_err(env, "BAD_ARG", "runStreams: users shorter than lens");
    napi_get_element(env, argv[1], 4 * e + 3, &b);
    if (!typed(env, b, &ptr, &cnt) || cnt < 8) return throw_err(env, "BAD_ARG", "runStreams: state must be a Float64Array(8)");
    ep.state = (double*)ptr;
  }
  uint8_t* clk = g_clk;
  const uint64_t half = g_half;
  int status;
  bool stopped = false;
  TOE_GUARD_BEGIN
  toe_stream_load_state(R);
  status = toe_stream_loop(
      R,
      [clk, half](uint8_t v) {
        bool ok = toe_half(clk, v, half);
        if (v) g_sh.cycles += 1;
        return ok;
      },
      stopped);
  toe_stream_save_state(R);
  TOE_GUARD_END
  if (stopped) return throw_stopped(env);
  return num(env, status);
}

static napi_value js_stop_info(napi_env env, napi_callback_info) {
  if (!g_sh.stopped) {
    napi_value n;
    napi_get_null(env, &n);
    return n;
  }
  return str(env, g_stop_msg.c_str());
}

// ---- module ------------------------------------------------------------------------------------

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"create", nullptr, js_create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"destroy", nullptr, js_destroy, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"portBuffers", nullptr, js_port_buffers, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"shared", nullptr, js_shared, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"eval", nullptr, js_eval, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tick", nullptr, js_tick, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tickPort", nullptr, js_tick_port, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"evalAt", nullptr, js_eval_at, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"timePs", nullptr, js_time_ps, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"runCycles", nullptr, js_run_cycles, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"traceOpen", nullptr, js_trace_open, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"traceClose", nullptr, js_trace_close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"traceFlush", nullptr, js_trace_flush, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"runStreams", nullptr, js_run_streams, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"stopInfo", nullptr, js_stop_info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  set_prop(env, exports, "traceKind", str(env, TOE_TRACE_KIND));
  set_prop(env, exports, "top", str(env, TOE_MODEL_TOP));
  set_prop(env, exports, "portTable", port_table(env));
  return exports;
}
