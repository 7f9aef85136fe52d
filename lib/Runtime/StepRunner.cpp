//===- StepRunner.cpp - JIT-run a training step repeatedly ----------------===//
//
// Part of bf16-opt. See include/bf16/Runtime/StepRunner.h and docs/Runtime.md.
//
//===----------------------------------------------------------------------===//

#include "bf16/Runtime/StepRunner.h"
#include "bf16/Dialect/Lowp/IR/LowpDialect.h"
#include "bf16/Numerics/Reference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"

#include <chrono>
#include <cstring>
#include <set>
#include <unistd.h>

using namespace mlir;
using namespace mlir::bf16;

namespace {

/// The allocated pointer that MemRefToLLVM gives memref.get_global results.
constexpr int64_t kGlobalMemrefAllocatedMarker = 0xdeadbeef;

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Bytes of one element in a memref / one scalar argument slot.
/// Only the types bf16-run can initialize, pass and print: f32, bf16, f64,
/// index and i1/i8/i16/i32/i64 (others, e.g. i4 or f80, have no C-interface
/// slot of their own size, and were crashes found by the fuzzer).
std::optional<unsigned> elementBytes(Type t) {
  if (t.isIndex())
    return 8;
  if (t.isF32() || t.isBF16() || t.isF64())
    return t.getIntOrFloatBitWidth() / 8;
  if (auto i = dyn_cast<IntegerType>(t)) {
    unsigned w = i.getWidth();
    if (w == 1)
      return 1;
    if (w == 8 || w == 16 || w == 32 || w == 64)
      return w / 8;
  }
  return std::nullopt;
}

/// Raw bits of `v` in element type `t` (floats rounded to nearest even).
uint64_t encode(Type t, double v) {
  if (t.isF32()) {
    float f = static_cast<float>(v);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
  }
  if (t.isBF16()) {
    float f = static_cast<float>(v);
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return ::bf16::ref::rneIEEE(b);
  }
  if (t.isF64()) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    return b;
  }
  return static_cast<uint64_t>(static_cast<int64_t>(v));
}

double decode(Type t, const uint8_t *p) {
  if (t.isF32()) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  if (t.isBF16()) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return ::bf16::ref::bf16ToFloat(h);
  }
  if (t.isF64()) {
    double d;
    std::memcpy(&d, p, 8);
    return d;
  }
  unsigned bytes = *elementBytes(t);
  int64_t v = 0;
  std::memcpy(&v, p, bytes);
  if (bytes < 8 && !t.isUnsignedInteger()) {
    // Sign-extend signless and signed integers.
    unsigned shift = 64 - 8 * bytes;
    v = (v << shift) >> shift;
  }
  return static_cast<double>(v);
}

/// splitmix64 of (seed, argument, element): a deterministic uniform draw.
double uniform(uint64_t seed, uint64_t arg, uint64_t index) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + (arg << 40) + index + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
}

/// Reads a little-endian .npy file (v1-3, C order) as doubles.
llvm::Expected<std::vector<double>> readNpy(const std::string &path,
                                            ArrayRef<int64_t> shape) {
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return fail("cannot read '" + path + "': " + file.getError().message());
  StringRef data = (*file)->getBuffer();
  if (!data.starts_with("\x93NUMPY") || data.size() < 10)
    return fail("'" + path + "' is not a .npy file");
  unsigned major = static_cast<uint8_t>(data[6]);
  size_t headerLen, start;
  if (major == 1) {
    headerLen =
        static_cast<uint8_t>(data[8]) | (static_cast<uint8_t>(data[9]) << 8);
    start = 10;
  } else {
    if (data.size() < 12)
      return fail("'" + path + "': truncated header");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= size_t(static_cast<uint8_t>(data[8 + i])) << (8 * i);
    start = 12;
  }
  if (start + headerLen > data.size())
    return fail("'" + path + "': truncated header");
  StringRef header = data.substr(start, headerLen);
  auto field = [&](StringRef key) -> StringRef {
    size_t k = header.find(key);
    if (k == StringRef::npos)
      return {};
    StringRef rest = header.substr(k + key.size()).ltrim(" ':");
    return rest;
  };
  StringRef descr = field("'descr'");
  descr = descr.substr(0, descr.find('\''));
  if (field("'fortran_order'").starts_with("True"))
    return fail("'" + path + "': Fortran order is not supported");
  StringRef shapeText = field("'shape'");
  shapeText = shapeText.substr(shapeText.find('(') + 1);
  shapeText = shapeText.substr(0, shapeText.find(')'));
  SmallVector<int64_t> fileShape;
  SmallVector<StringRef> parts;
  shapeText.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d))
      return fail("'" + path + "': bad shape");
    fileShape.push_back(d);
  }
  if (ArrayRef<int64_t>(fileShape) != shape)
    return fail("'" + path + "' has a different shape than the argument");
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  struct Kind {
    const char *descr;
    unsigned bytes;
  };
  static const Kind kinds[] = {{"<f4", 4}, {"<f8", 8}, {"<i4", 4}, {"<i8", 8},
                               {"<i2", 2}, {"|i1", 1}, {"|u1", 1}, {"|b1", 1}};
  const Kind *kind = nullptr;
  for (const Kind &k : kinds)
    if (descr == k.descr)
      kind = &k;
  if (!kind)
    return fail("'" + path + "': unsupported dtype '" + descr + "'");
  const char *p = data.data() + start + headerLen;
  if (size_t(n) * kind->bytes > data.size() - start - headerLen)
    return fail("'" + path + "': truncated data");
  std::vector<double> out(n);
  for (int64_t i = 0; i < n; ++i, p += kind->bytes) {
    if (descr == "<f4") {
      float f;
      std::memcpy(&f, p, 4);
      out[i] = f;
    } else if (descr == "<f8") {
      std::memcpy(&out[i], p, 8);
    } else {
      int64_t v = 0;
      std::memcpy(&v, p, kind->bytes);
      unsigned shift = 64 - 8 * kind->bytes;
      out[i] = descr[1] == 'u' || descr[1] == 'b'
                   ? static_cast<double>(v)
                   : static_cast<double>((v << shift) >> shift);
    }
  }
  return out;
}

} // namespace

/// A memref value: owned storage (arguments) and its descriptor words
/// {allocated, aligned, offset, sizes..., strides...}.
struct StepRunner::Buffer {
  RankedTensorType type;
  unsigned elementSize = 0;
  std::vector<uint8_t> storage;
  std::vector<int64_t> descriptor;

  int64_t numElements() const { return type.getNumElements(); }
  void bind() {
    int64_t rank = type.getRank();
    descriptor.assign(3 + 2 * rank, 0);
    descriptor[0] = descriptor[1] = reinterpret_cast<int64_t>(storage.data());
    int64_t stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      descriptor[3 + d] = type.getDimSize(d);
      descriptor[3 + rank + d] = stride;
      stride *= type.getDimSize(d);
    }
  }
};

StepRunner::~StepRunner() {
  engine.reset();
  // The OpenMP runtime keeps its worker threads until the process exits;
  // stop them with the step (omp_pause_resource_all(omp_pause_hard)), so
  // that nothing of ours runs after the runner is gone (LeakSanitizer's
  // exit-time check, for one, cannot stop libomp's idle workers).
  using PauseFn = int (*)(int);
  constexpr int kOmpPauseHard = 2;
  if (void *pause = llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(
          "omp_pause_resource_all"))
    reinterpret_cast<PauseFn>(pause)(kOmpPauseHard);
}

llvm::Expected<std::unique_ptr<StepRunner>>
StepRunner::create(ModuleOp module, const StepRunnerOptions &options) {
  std::unique_ptr<StepRunner> runner(new StepRunner());
  MLIRContext *ctx = module.getContext();
  // An unannotated FP32 step: find its trained state first, so that updated
  // values are fed back.
  bool annotated = false;
  module.walk([&](func::FuncOp f) {
    for (unsigned k = 0; k < f.getNumResults(); ++k)
      annotated |= static_cast<bool>(f.getResultAttr(k, "lowp.tied_to"));
  });
  if (!annotated) {
    // By name from the pass registry: the runtime does not link the
    // training library; the tool that embeds it registers the passes.
    PassManager detect(ctx, ModuleOp::getOperationName());
    std::string errors;
    llvm::raw_string_ostream os(errors);
    if (failed(parsePassPipeline("bf16-detect-trained-state", detect, os)))
      return fail("the step has no lowp.tied_to results and "
                  "bf16-detect-trained-state is not registered: " +
                  errors);
    if (failed(detect.run(module)))
      return fail("trained-state detection failed (see diagnostics)");
  }
  // The entry function and its tensor-level signature.
  func::FuncOp entry;
  SmallVector<func::FuncOp> candidates;
  module.walk([&](func::FuncOp f) {
    if (!f.isDeclaration())
      candidates.push_back(f);
  });
  if (!options.entry.empty()) {
    for (func::FuncOp f : candidates)
      if (f.getName() == options.entry)
        entry = f;
    if (!entry)
      return fail("no function @" + options.entry + " with a body");
    if (!entry.isPublic())
      return fail("@" + options.entry +
                  " is private; bf16-run calls public "
                  "functions through their C interface");
  } else {
    for (func::FuncOp f : candidates)
      for (unsigned k = 0; k < f.getNumResults(); ++k)
        if (f.getResultAttr(k, "lowp.tied_to") && !entry)
          entry = f;
    for (func::FuncOp f : candidates)
      if (!entry && f.isPublic())
        entry = f;
    if (!entry)
      return fail("the module has no public function with a body");
  }
  runner->entry = entry.getName().str();
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    ValueInfo info;
    info.type = entry.getArgumentTypes()[i];
    if (std::optional<lowp::StateKind> s = lowp::getArgStateKind(entry, i))
      info.role = lowp::stringify(*s).str();
    else if (std::optional<lowp::ArgRole> r = lowp::getArgRole(entry, i))
      info.role = lowp::stringify(*r).str();
    runner->args.push_back(info);
  }
  for (unsigned k = 0; k < entry.getNumResults(); ++k) {
    ValueInfo info;
    info.type = entry.getResultTypes()[k];
    if (auto t = entry.getResultAttrOfType<IntegerAttr>(k, "lowp.tied_to"))
      info.tiedTo = t.getInt();
    if (info.tiedTo >= static_cast<int64_t>(runner->args.size()) ||
        (info.tiedTo >= 0 && runner->args[info.tiedTo].type != info.type))
      return fail("result #" + Twine(k) +
                  " is tied to an argument of "
                  "another type");
    runner->res.push_back(info);
  }
  for (const ValueInfo &v :
       llvm::concat<const ValueInfo>(runner->args, runner->res)) {
    Type elt = v.type;
    if (auto t = dyn_cast<RankedTensorType>(v.type)) {
      if (!t.hasStaticShape())
        return fail("@" + runner->entry +
                    " has a dynamically shaped tensor; bf16-run needs "
                    "static shapes");
      elt = t.getElementType();
    } else if (isa<ShapedType>(v.type)) {
      return fail("@" + runner->entry +
                  " has an argument or result that is "
                  "neither a ranked tensor nor a scalar");
    }
    if (!elementBytes(elt)) {
      std::string text;
      llvm::raw_string_ostream(text) << elt;
      return fail("unsupported element type " + text + " in @" + runner->entry +
                  "; bf16-run supports f32, bf16, f64, index, "
                  "i1, i8, i16, i32 and i64");
    }
  }
  // Every argument and result buffer must fit in memory, with a message
  // naming it (not an allocation failure in the middle of the step).
  uint64_t physical = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                      static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t total = 0;
  for (auto [k, v] : llvm::enumerate(
           llvm::concat<const ValueInfo>(runner->args, runner->res))) {
    auto t = dyn_cast<RankedTensorType>(v.type);
    if (!t)
      continue;
    unsigned bytes = *elementBytes(t.getElementType());
    uint64_t n = 1;
    bool overflow = false;
    for (int64_t d : t.getShape())
      overflow |= __builtin_mul_overflow(n, static_cast<uint64_t>(d), &n);
    overflow |= __builtin_mul_overflow(n, static_cast<uint64_t>(bytes), &n);
    bool isArg = k < runner->args.size();
    std::string what = (Twine(isArg ? "argument #" : "result #") +
                        Twine(isArg ? k : k - runner->args.size()))
                           .str();
    std::string typeText;
    llvm::raw_string_ostream(typeText) << t;
    if (overflow || n > physical)
      return fail(
          what + " of @" + runner->entry + " (" + typeText + ") needs " +
          (overflow ? std::string("more than 2^64") : std::to_string(n)) +
          " bytes; this machine has " + Twine(physical));
    total += n;
  }
  if (total > physical)
    return fail("the arguments and results of @" + runner->entry + " need " +
                Twine(total) + " bytes; this machine has " + Twine(physical));

  // Lower a clone and JIT it.
  OwningOpRef<ModuleOp> lowered(module.clone());
  PassManager pm(ctx, ModuleOp::getOperationName());
  std::string pipelineErrors;
  llvm::raw_string_ostream errs(pipelineErrors);
  if (failed(parsePassPipeline(options.lowering, pm, errs)))
    return fail("invalid lowering pipeline '" + options.lowering +
                "': " + pipelineErrors);
  if (failed(pm.run(*lowered)))
    return fail("lowering @" + runner->entry + " failed (see diagnostics)");
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  // Parallel loops are omp.parallel regions (libomp, linked in).
  registerOpenMPDialectTranslation(*ctx);
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ExecutionEngineOptions engineOptions;
  auto transformer = makeOptimizingTransformer(options.optLevel, 0, nullptr);
  engineOptions.transformer = transformer;
  engineOptions.enablePerfNotificationListener = options.perfJIT;
  // The parallel loops call LLVM's OpenMP runtime (docs/Threads.md).
  llvm::SmallVector<StringRef, 1> sharedLibs{BF16_OMP_LIBRARY};
  engineOptions.sharedLibPaths = sharedLibs;
  auto engine = ExecutionEngine::create(*lowered, engineOptions);
  if (!engine)
    return engine.takeError();
  runner->engine = std::move(*engine);
  if (llvm::Error e = runner->initialize(options))
    return std::move(e);
  return runner;
}

llvm::Error StepRunner::initialize(const StepRunnerOptions &options) {
  // The C interface (docs/Runtime.md): memref results, or more than one
  // result, come back through a leading pointer to a struct (natural
  // alignment, descriptors 8-aligned); a single scalar result is returned by
  // value (the packed wrapper stores it last). The layout is fixed per step.
  resultsViaPointer =
      res.size() > 1 || (res.size() == 1 && isa<ShapedType>(res[0].type));
  resultStructSize = 0;
  for (const ValueInfo &r : res) {
    size_t bytes, align;
    if (auto t = dyn_cast<RankedTensorType>(r.type)) {
      bytes = 8 * (3 + 2 * t.getRank());
      align = 8;
    } else {
      bytes = align = *elementBytes(r.type);
    }
    resultStructSize = (resultStructSize + align - 1) / align * align;
    resultOffsets.push_back(resultStructSize);
    resultStructSize += bytes;
  }
  argBuffers.resize(args.size());
  scalarArgs.assign(args.size(), 0);
  for (auto [i, info] : llvm::enumerate(args)) {
    // Everything but parameters and inputs starts at zero (added state
    // included).
    std::optional<lowp::ArgRole> role = lowp::symbolizeArgRole(info.role);
    bool zero = role == lowp::ArgRole::OptimizerState ||
                lowp::symbolizeStateKind(info.role).has_value();
    bool param = role == lowp::ArgRole::Param;
    auto value = [&](Type elt, int64_t index) -> double {
      if (zero)
        return 0.0;
      double u = uniform(options.seed, i, index);
      if (param)
        return (2 * u - 1) * options.paramScale;
      if (isa<FloatType>(elt))
        return 2 * u - 1;
      return std::floor(u * options.intRange);
    };
    auto tensor = dyn_cast<RankedTensorType>(info.type);
    if (!tensor) {
      auto it = options.scalars.find(i);
      double v = it != options.scalars.end() ? it->second
                 : zero                      ? 0.0
                 : isa<FloatType>(info.type) ? options.defaultScalar
                                             : 0.0;
      scalarArgs[i] = encode(info.type, v);
      continue;
    }
    auto buffer = std::make_unique<Buffer>();
    buffer->type = tensor;
    buffer->elementSize = *elementBytes(tensor.getElementType());
    int64_t n = tensor.getNumElements();
    buffer->storage.assign(std::max<int64_t>(n, 1) * buffer->elementSize, 0);
    std::vector<double> values;
    if (auto it = options.npyFiles.find(i); it != options.npyFiles.end()) {
      auto loaded = readNpy(it->second, tensor.getShape());
      if (!loaded)
        return loaded.takeError();
      values = std::move(*loaded);
    } else {
      values.resize(n);
      for (int64_t e = 0; e < n; ++e)
        values[e] = value(tensor.getElementType(), e);
    }
    for (int64_t e = 0; e < n; ++e) {
      uint64_t bits = encode(tensor.getElementType(), values[e]);
      std::memcpy(&buffer->storage[e * buffer->elementSize], &bits,
                  buffer->elementSize);
    }
    buffer->bind();
    argBuffers[i] = std::move(buffer);
  }
  for (auto [i, v] : options.scalars)
    if (i >= args.size() || isa<ShapedType>(args[i].type))
      return fail("--set names argument #" + Twine(i) +
                  ", which is not a scalar argument");
  for (auto &[i, path] : options.npyFiles)
    if (i >= args.size() || !isa<ShapedType>(args[i].type))
      return fail("--npy names argument #" + Twine(i) +
                  ", which is not a tensor argument");
  return llvm::Error::success();
}

llvm::Expected<double> StepRunner::step() {
  const std::vector<size_t> &offsets = resultOffsets;
  bool viaPointer = resultsViaPointer;
  std::vector<uint64_t> resultStruct((resultStructSize + 7) / 8 + 1, 0);
  void *resultPtr = resultStruct.data();
  uint64_t scalarReturn = 0;

  std::vector<void *> descriptorPtrs(args.size());
  std::vector<void *> packed;
  if (viaPointer)
    packed.push_back(&resultPtr);
  for (size_t i = 0; i < args.size(); ++i) {
    if (argBuffers[i]) {
      descriptorPtrs[i] = argBuffers[i]->descriptor.data();
      packed.push_back(&descriptorPtrs[i]);
    } else {
      packed.push_back(&scalarArgs[i]);
    }
  }
  if (!viaPointer && res.size() == 1)
    packed.push_back(&scalarReturn);

  auto start = std::chrono::steady_clock::now();
  if (llvm::Error e = engine->invokePacked("_mlir_ciface_" + entry, packed))
    return std::move(e);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  // Snapshot every result first (results may alias arguments), then write
  // tied ones back and free what the step allocated.
  std::set<const void *> ours;
  for (auto &b : argBuffers)
    if (b)
      ours.insert(b->storage.data());
  std::set<void *> toFree;
  resultBuffers.clear();
  resultBuffers.resize(res.size());
  scalarResults.assign(res.size(), 0);
  auto *base = reinterpret_cast<uint8_t *>(resultPtr);
  for (auto [k, r] : llvm::enumerate(res)) {
    auto t = dyn_cast<RankedTensorType>(r.type);
    if (!t) {
      uint64_t bits = 0;
      if (viaPointer)
        std::memcpy(&bits, base + offsets[k], *elementBytes(r.type));
      else
        bits = scalarReturn;
      scalarResults[k] = bits;
      continue;
    }
    const int64_t *d = reinterpret_cast<const int64_t *>(base + offsets[k]);
    auto buffer = std::make_unique<Buffer>();
    buffer->type = t;
    buffer->elementSize = *elementBytes(t.getElementType());
    int64_t rank = t.getRank(), n = t.getNumElements();
    buffer->storage.assign(std::max<int64_t>(n, 1) * buffer->elementSize, 0);
    const auto *aligned = reinterpret_cast<const uint8_t *>(d[1]);
    for (int64_t e = 0; e < n; ++e) {
      // Strided gather of element e (row-major logical index).
      int64_t rem = e, offset = d[2];
      for (int64_t dim = rank - 1; dim >= 0; --dim) {
        int64_t size = d[3 + dim];
        offset += (rem % size) * d[3 + rank + dim];
        rem /= size;
      }
      std::memcpy(&buffer->storage[e * buffer->elementSize],
                  aligned + offset * buffer->elementSize, buffer->elementSize);
    }
    buffer->bind();
    // Free only what the step allocated: not our argument buffers and not
    // a constant global (memref.get_global's descriptor carries this marker
    // as its allocated pointer).
    void *allocated = reinterpret_cast<void *>(d[0]);
    if (allocated && !ours.count(allocated) &&
        d[0] != kGlobalMemrefAllocatedMarker)
      toFree.insert(allocated);
    resultBuffers[k] = std::move(buffer);
  }
  for (auto [k, r] : llvm::enumerate(res)) {
    if (r.tiedTo < 0)
      continue;
    if (resultBuffers[k])
      argBuffers[r.tiedTo]->storage = resultBuffers[k]->storage;
    else
      scalarArgs[r.tiedTo] = scalarResults[k];
  }
  for (auto &b : argBuffers)
    if (b)
      b->bind();
  for (void *p : toFree)
    free(p);
  return seconds;
}

std::optional<double> StepRunner::loss() const {
  for (auto [k, r] : llvm::enumerate(res)) {
    if (r.tiedTo >= 0)
      continue;
    if (auto t = dyn_cast<RankedTensorType>(r.type)) {
      if (t.getNumElements() != 1 || !isa<FloatType>(t.getElementType()) ||
          !resultBuffers[k])
        return std::nullopt;
      return decode(t.getElementType(), resultBuffers[k]->storage.data());
    }
    if (!isa<FloatType>(r.type))
      return std::nullopt;
    uint64_t bits = scalarResults[k];
    return decode(r.type, reinterpret_cast<const uint8_t *>(&bits));
  }
  return std::nullopt;
}

std::vector<double> StepRunner::argumentValues(unsigned i) const {
  std::vector<double> out;
  if (i >= args.size())
    return out;
  if (!argBuffers[i]) {
    uint64_t bits = scalarArgs[i];
    out.push_back(
        decode(args[i].type, reinterpret_cast<const uint8_t *>(&bits)));
    return out;
  }
  const Buffer &b = *argBuffers[i];
  for (int64_t e = 0; e < b.numElements(); ++e)
    out.push_back(
        decode(b.type.getElementType(), &b.storage[e * b.elementSize]));
  return out;
}
