# Thin wrappers shared by every bf16-opt library (CIRCT's AddCIRCT.cmake
# pattern). All MLIR-dependent code links the MLIR and LLVM *dylibs*
# (libMLIR.so / libLLVM.so): Debian's mlir-opt links libMLIR.so, so the plugin
# and bf16-opt must share that single copy of MLIR's globals (type and
# dialect registries, command-line options).

# add_bf16_library(name SRC... [DEPENDS tblgen targets] [LINK_LIBS libs])
function(add_bf16_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  set_property(GLOBAL APPEND PROPERTY BF16_ALL_LIBS ${name})
endfunction()
