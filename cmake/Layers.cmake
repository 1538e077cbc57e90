# The library's layers, lowest first (docs/architecture.md draws them). Each folder is one static
# library, theano_<layer>, that links the layer right below it and nothing above, and whose sources
# see only the headers of their own and the lower layers: each layer gets an include root of its
# own, build/layers/<layer>/, holding links to exactly those folders. An #include against the
# direction therefore fails to build, and the CTest "layers" (tests/layers/check_layers.sh) checks
# the same from the #include lines and from the libraries' symbols.
set(THEANO_CPP_LAYERS core graph ops runtime frontend)

# theano_cpp_add_layers(): the targets theano_core ... theano_frontend and the interface target
# theano that links them all (what examples, tests and installed consumers use).
function(theano_cpp_add_layers)
  set(below "")
  set(visible "")
  foreach(layer ${THEANO_CPP_LAYERS})
    list(APPEND visible ${layer})
    set(root ${PROJECT_BINARY_DIR}/layers/${layer})
    file(MAKE_DIRECTORY ${root})
    foreach(v ${visible})
      if(NOT EXISTS ${root}/${v})
        file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${v} ${root}/${v} SYMBOLIC)
      endif()
    endforeach()
    file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${layer}/*.cpp)
    add_library(theano_${layer} STATIC ${sources})
    target_include_directories(theano_${layer} PUBLIC $<BUILD_INTERFACE:${root}>)
    if(below)
      target_link_libraries(theano_${layer} PUBLIC ${below})
    endif()
    set_target_properties(theano_${layer} PROPERTIES EXPORT_NAME ${layer})
    set(below theano_${layer})
  endforeach()
  # Installed, OpenBLAS is found again by the package config (cmake/TheanoCppConfig.cmake.in).
  target_link_libraries(theano_core PUBLIC fmt::fmt ZLIB::ZLIB Threads::Threads
    $<BUILD_INTERFACE:${OPENBLAS_LIB}> $<INSTALL_INTERFACE:TheanoCpp::openblas>)

  # The user's frames in error messages (core/call_stack.cpp) are read with GCC's libbacktrace
  # (libbacktrace.a and backtrace.h ship with libgcc-12-dev, which g++ and clang depend on); without
  # it the frames name functions only. Only backtrace.h is copied: GCC's own include folder holds
  # compiler headers that clang must not see.
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libbacktrace.a
                  OUTPUT_VARIABLE backtrace_lib OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(backtrace_dir "${backtrace_lib}" DIRECTORY)
  if(IS_ABSOLUTE "${backtrace_lib}" AND EXISTS "${backtrace_lib}" AND EXISTS "${backtrace_dir}/include/backtrace.h")
    file(COPY "${backtrace_dir}/include/backtrace.h" DESTINATION ${PROJECT_BINARY_DIR}/libbacktrace)
    set_source_files_properties(${PROJECT_SOURCE_DIR}/core/call_stack.cpp PROPERTIES
      COMPILE_DEFINITIONS THEANO_CPP_HAVE_LIBBACKTRACE INCLUDE_DIRECTORIES ${PROJECT_BINARY_DIR}/libbacktrace)
    target_link_libraries(theano_core PUBLIC ${backtrace_lib})
    set(THEANO_CPP_LIBBACKTRACE ${backtrace_lib} PARENT_SCOPE)
    message(STATUS "libbacktrace: ${backtrace_lib}")
  else()
    target_link_libraries(theano_core PUBLIC ${CMAKE_DL_LIBS})
    message(STATUS "libbacktrace not found: error messages name the user's functions without file:line")
  endif()

  # Programs above the library (examples, tests, benchmarks) see the whole tree, and
  # <theano/theano.hpp> through frontend/.
  add_library(theano INTERFACE)
  target_link_libraries(theano INTERFACE ${below})
  target_include_directories(theano INTERFACE
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/frontend>)
endfunction()
