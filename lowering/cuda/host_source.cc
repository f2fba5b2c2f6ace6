#include "lowering/cuda/host_source.h"

#include <algorithm>
#include <functional>
#include <span>
#include <sstream>
#include <vector>

#include "ir/error.h"
#include "runtime/cuda/gemm_args.h"

namespace ember::lowering::cuda {

namespace {

// The fixed part: the driver and cuBLAS entry points, opened on the first call.
const char* kHostPrelude = R"(#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "services.h"

typedef int CUresult;
typedef unsigned long long CUdeviceptr;

static struct {
  CUresult (*init)(unsigned);
  CUresult (*device_get)(int*, int);
  CUresult (*device_get_attribute)(int*, int, int);
  CUresult (*primary_ctx_retain)(void**, int);
  CUresult (*ctx_set_current)(void*);
  CUresult (*module_load_data)(void**, const void*);
  CUresult (*module_get_function)(void**, void*, const char*);
  CUresult (*mem_alloc)(CUdeviceptr*, size_t);
  CUresult (*memcpy_htod)(CUdeviceptr, const void*, size_t, void*);
  CUresult (*memcpy_dtod)(CUdeviceptr, CUdeviceptr, size_t, void*);
  CUresult (*memcpy_dtoh)(void*, CUdeviceptr, size_t, void*);
  CUresult (*memset_d8)(CUdeviceptr, unsigned char, size_t, void*);
  CUresult (*stream_synchronize)(void*);
  CUresult (*launch)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void*, void**,
                     void**);
  int (*cublas_create)(void**);
  int (*cublas_set_stream)(void*, void*);
  int (*gemm)(void*, int, int, int, int, int, const void*, const void*, int, int, long long, const void*, int, int,
              long long, const void*, void*, int, int, long long, int, int, int);
} api;
static void* context;
static void* cublas_handle;
static pthread_mutex_t cublas_mutex = PTHREAD_MUTEX_INITIALIZER; /* a handle is for one thread at a time */
static int grid_cap = 1;
static int load_error;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* The library the environment variable names, else the first of `names` that opens. */
static void* open_library(const char* variable, const char* const* names) {
  const char* path = getenv(variable);
  void* handle = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
  for (; !handle && *names; ++names) handle = dlopen(*names, RTLD_NOW | RTLD_LOCAL);
  return handle;
}

#define EMBER_RESOLVE(library, field, symbol) \
  if (!(*(void**)&api.field = dlsym(library, symbol))) return EMBER_ERROR_CUDA;

static unsigned grid(long long wanted) { return (unsigned)(wanted < 1 ? 1 : wanted > grid_cap ? grid_cap : wanted); }

/* Reads `bytes` of device memory once the work queued before it is done (a branch index, a loop condition). */
static int read_back(void* host, CUdeviceptr device, size_t bytes, void* stream) {
  return api.memcpy_dtoh(host, device, bytes, stream) || api.stream_synchronize(stream) ? EMBER_ERROR_CUDA : EMBER_OK;
}

#define EMBER_CHECK(call) \
  do {                    \
    int status = (call);  \
    if (status) return status; \
  } while (0)
)";

void write_bytes(std::ostringstream& out, const std::string& name, const void* data, size_t n) {
  out << "static const unsigned char " << name << "[" << (n ? n : 1) << "] = {";
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) out << (i % 24 == 0 ? "\n  " : "") << unsigned(bytes[i]) << ",";
  out << (n ? "\n" : "0") << "};\n";
}

std::string list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "0" : out;
}

// Writes one C function per plan (the function's, and each region's that runs on the device), each with its
// own module: `run_N(in, out, workspace, stream)`, where in/out are the plan's parameters' and results'
// device addresses. Control flow calls its regions' functions from loops on the host, with the layout of
// the CPU backend (plan.h's control_scratch): the carry in the op's results, the next carry in scratch.
class HostWriter {
 public:
  HostWriter(const std::function<std::string(const std::string&)>& compile, bool allow_tf32)
      : compile_(compile), allow_tf32_(allow_tf32) {}

  // The plan's function and everything it calls; returns the plan's id.
  int write(const Plan& plan) {
    int id = next_id_++;
    std::vector<std::vector<int>> regions_of(plan.steps.size());  // by op step: its regions' ids
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      const Step& step = plan.steps[s];
      if (step.kind != Step::Kind::Op) continue;
      const ir::Op& op = plan.body().ops[step.op];
      if (is_kernel_op_step(plan, step)) continue;  // a kernel of this plan's module
      if (!runs_regions_from_host(op))
        throw Error(
            ErrorKind::NotImplemented,
            "ahead-of-time CUDA objects run control flow, scatter and sort but not this op yet (callbacks "
            "and run-time stacks run on the host under jit)",
            std::string(ir::prim_name(op.prim)));
      for (size_t r : executed_regions(op)) regions_of[s].push_back(write(step.regions[r]));
    }
    ModuleSource module = emit_module_source(plan);
    std::string p = std::to_string(id);
    std::string cubin = compile_(module.code);
    write_bytes(tables_, "cubin_" + p, cubin.data(), cubin.size());
    tables_ << "static void* module_" << p << ";\n"
            << "static void* functions_" << p << "[" << std::max<size_t>(module.kernels.size(), 1) << "];\n";
    load_ << "  if (api.module_load_data(&module_" << p << ", cubin_" << p << ")) return EMBER_ERROR_CUDA;\n";
    for (size_t k = 0; k < module.kernels.size(); ++k)
      load_ << "  if (api.module_get_function(&functions_" << p << "[" << k << "], module_" << p << ", \""
            << module.kernels[k].name << "\")) return EMBER_ERROR_CUDA;\n";
    write_constants(plan, p);
    write_function(plan, p, module, regions_of);
    return id;
  }

  bool uses_gemm() const { return gemm_; }
  std::string tables() const { return tables_.str(); }
  std::string loads() const { return load_.str(); }
  std::string functions() const { return functions_.str(); }

 private:
  void write_constants(const Plan& plan, const std::string& p) {
    std::vector<size_t> ops;
    for (const Storage& s : plan.storage)
      if (s.kind == Storage::Kind::Constant) ops.push_back(size_t(s.index));
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    tables_ << "static CUdeviceptr constants_" << p << "[" << std::max<size_t>(plan.body().ops.size(), 1)
            << "];\n";
    for (size_t op : ops) {
      const ir::Literal& lit = ir::attr_literal(plan.body().ops[op].attrs, 0);
      std::string name = "constant_" + p + "_" + std::to_string(op);
      write_bytes(tables_, name, lit.bytes(), lit.nbytes());
      load_ << "  if (api.mem_alloc(&constants_" << p << "[" << op << "], sizeof " << name
            << ") || api.memcpy_htod(constants_" << p << "[" << op << "], " << name << ", sizeof " << name
            << ", NULL) || api.stream_synchronize(NULL)) return EMBER_ERROR_CUDA;\n";
    }
  }

  static std::string address(const Plan& plan, const std::string& p, ir::Value v) {
    const Storage& s = plan.storage[v.id];
    switch (s.kind) {
      case Storage::Kind::Input:
        return "in[" + std::to_string(s.index) + "]";
      case Storage::Kind::Output:
        return "out[" + std::to_string(s.index) + "]";
      case Storage::Kind::Workspace:
        return "(workspace + " + std::to_string(s.index) + "ull)";
      case Storage::Kind::Constant:
        return "constants_" + p + "[" + std::to_string(s.index) + "]";
      default:
        throw Error(ErrorKind::Runtime, "a value with no storage is read outside its kernel", "cuda");
    }
  }

  static std::vector<std::string> addresses(const Plan& plan, const std::string& p,
                                            std::span<const ir::Value> vs) {
    std::vector<std::string> out;
    for (ir::Value v : vs) out.push_back(address(plan, p, v));
    return out;
  }

  void write_function(const Plan& plan, const std::string& p, const ModuleSource& module,
                      const std::vector<std::vector<int>>& regions_of) {
    const ir::Body& body = plan.body();
    std::ostringstream& out = functions_;
    out << "static int run_" << p
        << "(const CUdeviceptr* in, const CUdeviceptr* out, CUdeviceptr workspace, void* stream) {\n"
        << "  (void)in; (void)out; (void)workspace;\n";
    size_t next_kernel = 0;
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      const Step& step = plan.steps[s];
      bool scatter = is_scatter_step(plan, step);
      if (scatter) {  // the operand copied into the result, then the updates applied by the kernel below
        const ir::Op& op = body.ops[step.op];
        out << "  if (api.memcpy_dtod(" << address(plan, p, op.results[0]) << ", "
            << address(plan, p, op.operands[0]) << ", " << body.type(op.results[0]).nbytes()
            << "ull, stream)) return EMBER_ERROR_CUDA;\n";
      }
      switch (is_kernel_op_step(plan, step) ? Step::Kind::Kernel : step.kind) {
        case Step::Kind::Kernel: {
          const KernelSource& k = module.kernels[next_kernel];
          size_t index = next_kernel++;
          if (k.launch.elements == 0) break;
          out << "  { /* " << k.name << " */\n";
          std::vector<std::string> pointers;
          for (ir::Value v : k.buffers) pointers.push_back(address(plan, p, v));
          if (k.scratch) pointers.push_back("(workspace + " + std::to_string(step.scratch) + "ull)");
          for (size_t b = 0; b < pointers.size(); ++b)
            out << "    CUdeviceptr p" << b << " = " << pointers[b] << ";\n";
          out << "    void* params[] = {";
          for (size_t b = 0; b < pointers.size(); ++b) out << (b ? ", " : "") << "&p" << b;
          out << "};\n    if (api.launch(functions_" << p << "[" << index << "], grid("
              << blocks_wanted(k.launch) << "ll), 1, 1, " << threads_per_block(k.launch)
              << ", 1, 1, 0, stream, params, NULL)) return EMBER_ERROR_CUDA;\n"
              << "  }\n";
          break;
        }
        case Step::Kind::Gemm:
          write_gemm(plan, p, body.ops[step.op]);
          break;
        case Step::Kind::Copy:
          out << "  if (api.memcpy_dtod(out[" << step.output << "], " << address(plan, p, step.value) << ", "
              << body.type(step.value).nbytes() << "ull, stream)) return EMBER_ERROR_CUDA;\n";
          break;
        case Step::Kind::Op:
          write_control(plan, p, step, regions_of[s]);
          break;
      }
    }
    out << "  return EMBER_OK;\n}\n\n";
  }

  void write_gemm(const Plan& plan, const std::string& p, const ir::Op& op) {
    const ir::Body& body = plan.body();
    auto layout = gemm_layout(body, op);
    if (!layout) throw Error(ErrorKind::Runtime, "operands not in a BLAS layout", "dot_general");
    const ir::Type& result = body.type(op.results[0]);
    if (layout->batch * layout->m * layout->n == 0) return;
    std::ostringstream& out = functions_;
    if (layout->k == 0) {
      out << "  if (api.memset_d8(" << address(plan, p, op.results[0]) << ", 0, " << result.nbytes()
          << "ull, stream)) return EMBER_ERROR_CUDA;\n";
      return;
    }
    gemm_ = true;
    auto g = runtime::cuda::gemm_args(result.dtype, layout->m, layout->n, layout->k, layout->transpose_lhs,
                                      layout->transpose_rhs, allow_tf32_);
    std::string scalar = g.wide_scalars ? "double" : "float";
    out << "  {\n    const " << scalar << " one[2] = {1, 0}, zero[2] = {0, 0};  /* complex for complex types */\n"
        << "    pthread_mutex_lock(&cublas_mutex);\n"
        << "    int failed = api.cublas_set_stream(cublas_handle, stream) || api.gemm(cublas_handle, "
        << g.op_first << ", " << g.op_second << ", " << g.rows << ", " << g.cols << ", " << g.depth
        << ", one, (const void*)" << address(plan, p, op.operands[1]) << ", " << g.type << ", " << g.ld_first
        << ", " << g.stride_first << "ll, (const void*)" << address(plan, p, op.operands[0]) << ", " << g.type
        << ", " << g.ld_second << ", " << g.stride_second << "ll, zero, (void*)"
        << address(plan, p, op.results[0]) << ", " << g.type << ", " << g.ld_out << ", " << g.stride_out
        << "ll, " << layout->batch << ", " << g.compute << ", -1 /* CUBLAS_GEMM_DEFAULT */);\n"
        << "    pthread_mutex_unlock(&cublas_mutex);\n"
        << "    if (failed) return EMBER_ERROR_CUDA;\n  }\n";
  }

  // The semantics are the reference executor's (runtime/kernels/control.cc), the layout the CPU backend's.
  void write_control(const Plan& plan, const std::string& p, const Step& step,
                     const std::vector<int>& regions) {
    const ir::Body& body = plan.body();
    const ir::Op& op = body.ops[step.op];
    ControlScratch scratch = control_scratch(body, op, step.regions);
    std::string region_ws = "workspace + " + std::to_string(step.scratch + scratch.regions) + "ull";
    auto slot = [&](size_t offset) { return "workspace + " + std::to_string(step.scratch + offset) + "ull"; };
    auto call = [&](int region, const std::vector<std::string>& in, const std::vector<std::string>& out) {
      return "{\n      const CUdeviceptr region_in[] = {" + list(in) +
             "};\n      const CUdeviceptr region_out[] = {" + list(out) + "};\n      EMBER_CHECK(run_" +
             std::to_string(region) + "(region_in, region_out, " + region_ws + ", stream));\n    }\n";
    };
    auto copy = [&](const std::string& dst, const std::string& src, size_t bytes) {
      return "    if (api.memcpy_dtod(" + dst + ", " + src + ", " + std::to_string(bytes) +
             "ull, stream)) return EMBER_ERROR_CUDA;\n";
    };
    std::vector<std::string> results = addresses(plan, p, op.results);
    std::ostringstream& out = functions_;
    out << "  { /* " << ir::prim_name(op.prim) << " */\n";
    switch (op.prim) {
      case ir::Prim::Cond: {
        std::vector<std::string> args =
            addresses(plan, p, std::span(op.operands.begin() + 1, op.operands.end()));
        out << "    int32_t index;\n    EMBER_CHECK(read_back(&index, " << address(plan, p, op.operands[0])
            << ", 4, stream));\n    switch (index < 0 ? 0 : index) {\n";
        for (size_t r = 0; r < regions.size(); ++r)
          out << "      " << (r + 1 == regions.size() ? "default:" : "case " + std::to_string(r) + ":") << " "
              << call(regions[r], args, results) << "      break;\n";
        out << "    }\n";
        break;
      }
      case ir::Prim::While: {
        size_t cond_consts = size_t(ir::attr_int(op.attrs, 0)),
               body_consts = size_t(ir::attr_int(op.attrs, 1));
        int64_t max_steps = ir::attr_int(op.attrs, 2);
        std::vector<size_t> carried = carried_operands(op);
        std::vector<std::string> next;
        for (size_t i = 0; i < carried.size(); ++i) {
          out << copy(results[i], address(plan, p, op.operands[carried[i]]),
                      body.type(op.results[i]).nbytes());
          next.push_back(slot(scratch.carry[i]));
        }
        std::vector<std::string> cond_in = addresses(plan, p, std::span(op.operands.begin(), cond_consts));
        std::vector<std::string> body_in =
            addresses(plan, p, std::span(op.operands.begin() + ptrdiff_t(cond_consts), body_consts));
        cond_in.insert(cond_in.end(), results.begin(), results.end());
        body_in.insert(body_in.end(), results.begin(), results.end());
        out << "    for (long long step = 0;; ++step) {\n    "
            << call(regions[0], cond_in, {slot(scratch.flag)})
            << "      unsigned char go;\n      EMBER_CHECK(read_back(&go, " << slot(scratch.flag)
            << ", 1, stream));\n      if (!go) break;\n";
        if (max_steps >= 0) out << "      if (step == " << max_steps << "ll) return EMBER_ERROR_MAX_STEPS;\n";
        out << "    " << call(regions[1], body_in, next);
        for (size_t i = 0; i < carried.size(); ++i)
          out << "  " << copy(results[i], next[i], body.type(op.results[i]).nbytes());
        out << "    }\n";
        break;
      }
      case ir::Prim::Scan: {
        size_t consts = size_t(ir::attr_int(op.attrs, 0)), num_carry = size_t(ir::attr_int(op.attrs, 1));
        int64_t length = ir::attr_int(op.attrs, 2);
        bool reverse = ir::attr_bool(op.attrs, 3);
        std::vector<std::string> next;
        for (size_t i = 0; i < num_carry; ++i) {
          out << copy(results[i], address(plan, p, op.operands[consts + i]),
                      body.type(op.results[i]).nbytes());
          next.push_back(slot(scratch.carry[i]));
        }
        if (length == 0) break;
        std::vector<std::string> in = addresses(plan, p, std::span(op.operands.begin(), consts));
        in.insert(in.end(), results.begin(), results.begin() + ptrdiff_t(num_carry));
        for (size_t x = consts + num_carry; x < op.operands.size(); ++x)
          in.push_back(address(plan, p, op.operands[x]) + " + i * " +
                       std::to_string(body.type(op.operands[x]).nbytes() / size_t(length)) + "ull");
        std::vector<std::string> outs = next;
        for (size_t y = num_carry; y < op.results.size(); ++y)
          outs.push_back(results[y] + " + i * " +
                         std::to_string(body.type(op.results[y]).nbytes() / size_t(length)) + "ull");
        out << "    for (long long step = 0; step < " << length << "ll; ++step) {\n"
            << "      unsigned long long i = "
            << (reverse ? std::to_string(length - 1) + "ll - step" : "step") << ";\n"
            << "    " << call(regions[0], in, outs);
        for (size_t c = 0; c < num_carry; ++c)
          out << "  " << copy(results[c], next[c], body.type(op.results[c]).nbytes());
        out << "    }\n";
        break;
      }
      default:  // custom-rule calls and checkpoint: the function region on the operands
        out << "    " << call(regions[0], addresses(plan, p, op.operands), results);
    }
    out << "  }\n";
  }

  const std::function<std::string(const std::string&)>& compile_;
  bool allow_tf32_;
  int next_id_ = 0;
  bool gemm_ = false;
  std::ostringstream tables_, load_, functions_;
};

}  // namespace

std::string emit_host_source(const Plan& plan,
                             const std::function<std::string(const std::string&)>& compile_cubin,
                             bool allow_tf32) {
  HostWriter writer(compile_cubin, allow_tf32);
  int main_id = writer.write(plan);
  std::ostringstream out;
  out << "/* Generated by ember (lowering/cuda/host_source.cc): the launch list of " << plan.function.name
      << " on a CUDA device. */\n"
      << kHostPrelude << "\n"
      << writer.tables() << "\n"
      << "static int load(void) {\n"
      << "  static const char* const driver_names[] = {\"libcuda.so.1\", \"libcuda.so\", NULL};\n"
      << "  void* driver = open_library(\"EMBER_LIBCUDA\", driver_names);\n"
      << "  if (!driver) return EMBER_ERROR_CUDA;\n";
  for (auto [field, symbol] : std::initializer_list<std::pair<const char*, const char*>>{
           {"init", "cuInit"},
           {"device_get", "cuDeviceGet"},
           {"device_get_attribute", "cuDeviceGetAttribute"},
           {"primary_ctx_retain", "cuDevicePrimaryCtxRetain"},
           {"ctx_set_current", "cuCtxSetCurrent"},
           {"module_load_data", "cuModuleLoadData"},
           {"module_get_function", "cuModuleGetFunction"},
           {"mem_alloc", "cuMemAlloc_v2"},
           {"memcpy_htod", "cuMemcpyHtoDAsync_v2"},
           {"memcpy_dtod", "cuMemcpyDtoDAsync_v2"},
           {"memcpy_dtoh", "cuMemcpyDtoHAsync_v2"},
           {"memset_d8", "cuMemsetD8Async"},
           {"stream_synchronize", "cuStreamSynchronize"},
           {"launch", "cuLaunchKernel"}})
    out << "  EMBER_RESOLVE(driver, " << field << ", \"" << symbol << "\")\n";
  out << "  int device, sms = 1;\n"
      << "  if (api.init(0) || api.device_get(&device, 0) || api.primary_ctx_retain(&context, device) ||\n"
      << "      api.ctx_set_current(context))\n"
      << "    return EMBER_ERROR_CUDA;\n"
      << "  api.device_get_attribute(&sms, 16 /* CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT */, device);\n"
      << "  grid_cap = sms * " << kBlocksPerMultiprocessor << ";\n"
      << writer.loads();
  if (writer.uses_gemm())
    out << "  static const char* const cublas_names[] = {\"libcublas.so.13\", \"libcublas.so.12\", "
           "\"libcublas.so.11\", \"libcublas.so\", NULL};\n"
        << "  void* cublas = open_library(\"EMBER_CUBLAS\", cublas_names);\n"
        << "  if (!cublas) return EMBER_ERROR_CUDA;\n"
        << "  EMBER_RESOLVE(cublas, cublas_create, \"cublasCreate_v2\")\n"
        << "  EMBER_RESOLVE(cublas, cublas_set_stream, \"cublasSetStream_v2\")\n"
        << "  EMBER_RESOLVE(cublas, gemm, \"cublasGemmStridedBatchedEx\")\n"
        << "  if (api.cublas_create(&cublas_handle)) return EMBER_ERROR_CUDA;\n";
  out << "  return EMBER_OK;\n}\n\n"
      << "static void load_once_body(void) { load_error = load(); }\n\n"
      << writer.functions()
      << "int ember_cuda_entry(const void* const* inputs, void* const* outputs, void* workspace, void* "
         "stream) {\n"
      << "  pthread_once(&load_once, load_once_body);\n"
      << "  if (load_error) return load_error;\n"
      << "  if (api.ctx_set_current(context)) return EMBER_ERROR_CUDA;\n"
      << "  CUdeviceptr in[" << std::max<size_t>(plan.body().params.size(), 1) << "], out["
      << std::max<size_t>(plan.body().results.size(), 1) << "];\n"
      << "  for (int i = 0; i < " << plan.body().params.size() << "; ++i) in[i] = (CUdeviceptr)inputs[i];\n"
      << "  for (int i = 0; i < " << plan.body().results.size()
      << "; ++i) out[i] = (CUdeviceptr)outputs[i];\n"
      << "  return run_" << main_id << "(in, out, (CUdeviceptr)workspace, stream);\n}\n\n"
      << "int ember_cuda_synchronize(void* stream) {\n"
      << "  pthread_once(&load_once, load_once_body);\n"
      << "  if (load_error) return load_error;\n"
      << "  return api.ctx_set_current(context) || api.stream_synchronize(stream) ? EMBER_ERROR_CUDA : "
         "EMBER_OK;\n}\n";
  return out.str();
}

}  // namespace ember::lowering::cuda
