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

  # Programs above the library (examples, tests, benchmarks) see the whole tree, and
  # <theano/theano.hpp> through frontend/.
  add_library(theano INTERFACE)
  target_link_libraries(theano INTERFACE ${below})
  target_include_directories(theano INTERFACE
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/frontend>)
endfunction()
