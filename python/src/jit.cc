// ember.jit's cached-call path: flatten the arguments, look up the signature, run the executable, wrap the
// outputs. Tracing (on a miss) calls back into Python.
#include <unordered_map>

#include "bindings.h"
#include "frontend/jit.h"
#include "frontend/trace.h"
#include "ir/error.h"
#include "ir/verifier.h"
#include "pytree.h"
#include "runtime/compiler.h"

namespace ember::python {

namespace {

struct CallKey {
  PyTreeDef structure;           // of (dynamic positional args, dynamic keyword args)
  std::vector<ir::Type> types;   // parameter type of each leaf
  py::tuple statics;             // static argument values, compared with Python ==
  runtime::Device device;        // where the call runs
  size_t hash = 0;
};

struct CallKeyHash {
  size_t operator()(const CallKey& k) const { return k.hash; }
};
struct CallKeyEq {
  bool operator()(const CallKey& a, const CallKey& b) const {
    return a.hash == b.hash && a.device == b.device && a.types == b.types && a.structure == b.structure &&
           a.statics.equal(b.statics);
  }
};

struct Entry {
  ir::Function function;
  std::shared_ptr<runtime::Executable> executable;
  PyTreeDef out_structure;
};

class JitFunction {
 public:
  JitFunction(py::object fun, std::vector<int> static_argnums, std::vector<std::string> static_argnames,
              std::vector<int> donate_argnums, std::vector<std::string> donate_argnames, std::string backend,
              int device_index, bool follow_arguments, std::vector<std::string> arg_names, std::string name,
              bool tiered, bool allow_tf32)
      : fun_(std::move(fun)),
        static_argnums_(std::move(static_argnums)),
        static_argnames_(std::move(static_argnames)),
        donate_argnums_(std::move(donate_argnums)),
        donate_argnames_(std::move(donate_argnames)),
        backend_(std::move(backend)),
        device_index_(device_index),
        follow_arguments_(follow_arguments),
        arg_names_(std::move(arg_names)),
        name_(std::move(name)),
        tiered_(tiered),
        allow_tf32_(allow_tf32) {
    runtime::get_compiler(backend_);  // unknown backends fail at decoration time
  }

  py::object call(py::args args, py::kwargs kwargs) {
    // Under an enclosing trace the function is inlined into it, as JAX does for jit inside jit.
    if (frontend::current_trace()) return fun_(*args, **kwargs);
    Prepared p = prepare(args, kwargs);
    if (p.abstract)
      throw Error(ErrorKind::Type,
                  "expected arrays, got a ShapeDtypeStruct (abstract arguments can be traced with make_ir, not run)",
                  "jit");
    Entry& e = lookup(p, args, kwargs);
    // Donated ember arrays give their buffers up now, so that the call may hold the only reference.
    if (!donate_argnums_.empty() || !donate_argnames_.empty()) {
      describe_leaves(p);
      for (size_t i = 0; i < p.leaves.size(); ++i)
        if (p.donated[i] && py::isinstance<Tensor>(p.leaf_objects[i])) {
          Tensor& held = p.leaf_objects[i].cast<Tensor&>();
          if (held.is_concrete()) held.mark_donated();
        }
    }
    std::vector<Tensor> outputs;
    {
      // Compiled code may run for long and on many threads; host callbacks take the GIL back themselves.
      py::gil_scoped_release release;
      outputs = frontend::run_executable(*e.executable, e.function, std::move(p.leaves), p.donated);
    }
    std::vector<py::object> wrapped;
    wrapped.reserve(outputs.size());
    for (Tensor& t : outputs) wrapped.push_back(wrap(std::move(t)));
    return e.out_structure.unflatten(wrapped);
  }

  ir::Function trace_ir(py::args args, py::kwargs kwargs) {
    Prepared p = prepare(args, kwargs);
    return trace(p, args, kwargs).function;
  }

  size_t cache_size() const { return cache_.size(); }
  size_t num_traces() const { return num_traces_; }
  py::object fun() const { return fun_; }

 private:
  struct Prepared {
    bool abstract = false;  // some leaf is a ShapeDtypeStruct
    CallKey key;
    std::vector<Tensor> leaves;
    std::vector<py::object> leaf_objects;  // what the caller passed, by leaf
    // The dynamic arguments: positional ones (with their positions), then keyword ones by name.
    size_t nargs = 0;  // positional arguments, static ones included
    py::list dyn_args;
    std::vector<size_t> dyn_positions;
    std::vector<std::pair<std::string, py::object>> dyn_kwargs;
    // By leaf, filled by describe_leaves() only where needed (tracing, donation): off the cached-call path.
    std::vector<bool> donated;
    std::vector<std::string> leaf_names;
  };

  // Whether positional argument i of nargs is among `nums` (negative ones count from the end, as in Python).
  static bool in_positions(const std::vector<int>& nums, size_t i, size_t nargs) {
    for (int n : nums)
      if ((n >= 0 ? size_t(n) : nargs + size_t(n)) == i) return true;
    return false;
  }
  bool is_static_position(size_t i, size_t nargs) const { return in_positions(static_argnums_, i, nargs); }
  bool is_donated_position(size_t i, size_t nargs) const {
    return in_positions(donate_argnums_, i, nargs) || (i < arg_names_.size() && is_donated_name(arg_names_[i]));
  }
  bool is_donated_name(const std::string& n) const {
    return std::find(donate_argnames_.begin(), donate_argnames_.end(), n) != donate_argnames_.end();
  }
  bool is_static_name(const std::string& n) const {
    return std::find(static_argnames_.begin(), static_argnames_.end(), n) != static_argnames_.end();
  }

  Prepared prepare(const py::args& args, const py::kwargs& kwargs) {
    Prepared p;
    py::list& dyn_args = p.dyn_args;
    py::list statics;
    p.nargs = args.size();
    for (size_t i = 0; i < args.size(); ++i) {
      bool named_static = i < arg_names_.size() && is_static_name(arg_names_[i]);
      bool is_static = is_static_position(i, args.size()) || named_static;
      if (is_static && is_donated_position(i, args.size()))
        throw make_error(ErrorKind::Value, "jit", "argument ", i, " is both static and donated (donate_argnums)");
      if (is_static) {
        statics.append(py::make_tuple(i, args[i]));
      } else {
        dyn_args.append(args[i]);
        p.dyn_positions.push_back(i);
      }
    }
    py::dict dyn_kwargs;
    std::vector<std::pair<std::string, py::object>> sorted_kwargs;
    for (auto item : kwargs) sorted_kwargs.emplace_back(py::str(item.first), py::reinterpret_borrow<py::object>(item.second));
    std::sort(sorted_kwargs.begin(), sorted_kwargs.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& [k, v] : sorted_kwargs) {
      if (is_static_name(k)) {
        statics.append(py::make_tuple(k, v));
      } else {
        dyn_kwargs[py::str(k)] = v;
        p.dyn_kwargs.emplace_back(k, v);
      }
    }
    // Static values must be hashable, as in JAX: they are part of the cache key.
    for (py::handle s : statics) {
      try {
        py::hash(s);
      } catch (py::error_already_set&) {
        throw make_error(ErrorKind::Value, "jit", "expected hashable static arguments, got ",
                         std::string(py::repr(s)), " (pass arrays as dynamic arguments)");
      }
    }
    std::vector<py::object>& leaves = p.leaf_objects;
    p.key.structure = PyTreeDef::flatten(py::make_tuple(dyn_args, dyn_kwargs), leaves);
    p.key.statics = py::tuple(statics);
    size_t h = p.key.structure.hash();
    p.leaves.reserve(leaves.size());
    for (py::handle leaf_obj : leaves) {
      // ShapeDtypeStruct leaves trace (make_ir) but cannot run.
      bool abstract = py::isinstance<ir::Type>(leaf_obj);
      p.leaves.push_back(abstract ? Tensor() : backend_ == "cpu" ? borrow_argument(leaf_obj) : to_tensor(leaf_obj));
      p.key.types.push_back(frontend::parameter_type(abstract ? leaf_obj.cast<ir::Type>() : p.leaves.back().type()));
      p.abstract = p.abstract || abstract;
      h = ir::hash_combine(h, ir::hash_value(p.key.types.back()));
    }
    h = ir::hash_combine(h, size_t(py::hash(p.key.statics)));
    p.key.device = call_device(p);
    h = ir::hash_combine(h, size_t(p.key.device.kind) * 1024 + size_t(p.key.device.index));
    p.key.hash = h;
    return p;
  }

  // Where the call runs: the CUDA device its array arguments are on when jit was given no backend or device
  // (jit compiles for the device its inputs live on), else the device jit was given. Arguments on two
  // devices, or on another device than the one given, are an error; host arrays go anywhere.
  runtime::Device call_device(Prepared& p) {
    runtime::Device given = backend_ == "cuda" ? runtime::Device{runtime::Device::Kind::Cuda, device_index_}
                                               : runtime::cpu_device();
    frontend::Placement where = frontend::placement(p.leaves);
    runtime::Device placed = where.device;
    size_t placed_leaf = where.first;
    if (where.conflict != frontend::Placement::npos) {
      describe_leaves(p);
      throw make_error(ErrorKind::Value, "jit", "expected arguments on one device, got ", p.leaf_names[placed_leaf],
                       " on ", placed.to_string(), " and ", p.leaf_names[where.conflict], " on ",
                       p.leaves[where.conflict].device().to_string(), " (move one with ember.device_put)");
    }
    if (placed.kind == runtime::Device::Kind::Cpu) return given;
    if (follow_arguments_) return placed;
    if (given.kind == runtime::Device::Kind::Cuda && !(given == placed)) {
      describe_leaves(p);
      throw make_error(ErrorKind::Value, "jit", "expected arguments on ", given.to_string(), " (jit's device), got ",
                       p.leaf_names[placed_leaf], " on ", placed.to_string(), " (move it with ember.device_put)");
    }
    return given;
  }

  // Fills p.leaf_names (for error messages: the argument's name, with the leaf's position inside a pytree)
  // and p.donated.
  void describe_leaves(Prepared& p) const {
    if (!p.leaf_names.empty() || p.leaf_objects.empty()) return;
    auto add = [&](py::handle arg, const std::string& name, bool donated) {
      std::vector<py::object> sub;
      PyTreeDef::flatten(arg, sub);
      for (size_t j = 0; j < sub.size(); ++j) {
        p.leaf_names.push_back(sub.size() == 1 ? name : name + "[leaf " + std::to_string(j) + "]");
        p.donated.push_back(donated);
      }
    };
    for (size_t i = 0; i < p.dyn_positions.size(); ++i) {
      size_t pos = p.dyn_positions[i];
      add(p.dyn_args[i], pos < arg_names_.size() ? arg_names_[pos] : "arg" + std::to_string(pos),
          is_donated_position(pos, p.nargs));
    }
    for (auto& [k, v] : p.dyn_kwargs) add(v, k, is_donated_name(k));
  }

  Entry trace(Prepared& p, const py::args& args, const py::kwargs& kwargs) {
    describe_leaves(p);
    frontend::TraceScope scope(name_);
    std::vector<py::object> tracers;
    for (size_t i = 0; i < p.leaves.size(); ++i)
      tracers.push_back(wrap(scope.state().add_param(p.key.types[i], p.leaf_names[i])));
    py::tuple rebuilt = p.key.structure.unflatten(tracers);
    py::list dyn_args = rebuilt[0];
    py::dict dyn_kwargs = rebuilt[1];
    // Put the static arguments back where they were.
    py::list call_args;
    size_t next_dyn = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      bool named_static = i < arg_names_.size() && is_static_name(arg_names_[i]);
      if (is_static_position(i, args.size()) || named_static)
        call_args.append(args[i]);
      else
        call_args.append(dyn_args[next_dyn++]);
    }
    py::dict call_kwargs = dyn_kwargs;
    for (auto item : kwargs)
      if (is_static_name(py::str(item.first))) call_kwargs[item.first] = item.second;
    py::object out = fun_(*py::tuple(call_args), **call_kwargs);
    std::vector<py::object> out_leaves;
    Entry e;
    e.out_structure = PyTreeDef::flatten(out, out_leaves);
    std::vector<Tensor> outputs;
    for (auto& o : out_leaves) outputs.push_back(to_tensor(o));
    e.function = scope.state().finish(outputs);
    if (!scope.state().captures().empty())
      throw Error(ErrorKind::Runtime, "a jitted function captured values of an enclosing trace", "jit");
    ++num_traces_;
    return e;
  }

  Entry& lookup(Prepared& p, const py::args& args, const py::kwargs& kwargs) {
    auto it = cache_.find(p.key);
    if (it != cache_.end()) return it->second;
    Entry e = trace(p, args, kwargs);
    runtime::CompileOptions options;
    options.tiered = tiered_;
    options.allow_tf32 = allow_tf32_;
    options.device = p.key.device;
    bool on_cuda = p.key.device.kind == runtime::Device::Kind::Cuda;
    e.executable = runtime::get_compiler(on_cuda ? "cuda" : backend_).compile(e.function, options);
    return cache_.emplace(std::move(p.key), std::move(e)).first->second;
  }

  py::object fun_;
  std::vector<int> static_argnums_;
  std::vector<std::string> static_argnames_;
  std::vector<int> donate_argnums_;  // positional, as the caller wrote them (negative from the end)
  std::vector<std::string> donate_argnames_;
  std::string backend_;
  int device_index_ = 0;  // the CUDA device, for backend "cuda"
  bool follow_arguments_;  // no backend or device was given: run where the array arguments are
  std::vector<std::string> arg_names_;
  std::string name_;
  bool tiered_;
  bool allow_tf32_;
  std::unordered_map<CallKey, Entry, CallKeyHash, CallKeyEq> cache_;
  size_t num_traces_ = 0;
};

}  // namespace

void init_jit(py::module_& m) {
  py::class_<JitFunction>(m, "JitFunction", py::dynamic_attr())
      .def(py::init<py::object, std::vector<int>, std::vector<std::string>, std::vector<int>,
                    std::vector<std::string>, std::string, int, bool, std::vector<std::string>, std::string, bool,
                    bool>())
      .def("__call__", &JitFunction::call)
      .def("trace_ir", &JitFunction::trace_ir)
      .def("_cache_size", &JitFunction::cache_size)
      .def("_num_traces", &JitFunction::num_traces);
  m.def("backends", &runtime::registered_backends);
}

}  // namespace ember::python
