# Thin wrappers shared by every bf16-opt library (CIRCT's AddCIRCT.cmake
# pattern). All MLIR-dependent code links the MLIR and LLVM *dylibs*
# (libMLIR.so / libLLVM.so): Debian's mlir-opt links libMLIR.so, so the plugin
# and bf16-opt must share that single copy of MLIR's globals (type and
# dialect registries, command-line options).
#
# Every library made here is installed and exported in the BF16OptTargets
# set, which `find_package(BF16Opt CONFIG)` imports as BF16Opt::<name>
# (docs/Install.md). A library of ours linked by one of them must be in that
# set too, so make libraries with add_bf16_library (or bf16_install_targets).

include(GNUInstallDirs)

# bf16_install_targets(target...): installs the targets (libraries into lib/,
# executables into bin/) and adds them to the BF16OptTargets export set.
# Include directories that point into the source or build tree are wrapped in
# $<BUILD_INTERFACE:...>; the installed targets use <prefix>/include instead.
function(bf16_install_targets)
  foreach(target IN LISTS ARGN)
    get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
    if(dirs)
      set(wrapped)
      foreach(dir IN LISTS dirs)
        set(in_tree OFF)
        if(NOT dir MATCHES "^\\$<")
          cmake_path(IS_PREFIX PROJECT_SOURCE_DIR "${dir}" NORMALIZE in_src)
          cmake_path(IS_PREFIX PROJECT_BINARY_DIR "${dir}" NORMALIZE in_bin)
          if(in_src OR in_bin)
            set(in_tree ON)
          endif()
        endif()
        if(in_tree)
          list(APPEND wrapped "$<BUILD_INTERFACE:${dir}>")
        else()
          list(APPEND wrapped "${dir}")
        endif()
      endforeach()
      set_property(TARGET ${target} PROPERTY INTERFACE_INCLUDE_DIRECTORIES
                   "${wrapped}")
    endif()
    get_target_property(type ${target} TYPE)
    set(includes INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    if(type STREQUAL "EXECUTABLE")
      set(includes)
    endif()
    install(TARGETS ${target} EXPORT BF16OptTargets
      ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
      LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
      RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
      ${includes})
  endforeach()
endfunction()

# add_bf16_library(name SRC... [DEPENDS tblgen targets] [LINK_LIBS libs])
function(add_bf16_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  target_compile_features(${name} PUBLIC cxx_std_17)
  target_compile_options(${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  set_property(GLOBAL APPEND PROPERTY BF16_ALL_LIBS ${name})
  bf16_install_targets(${name})
endfunction()
