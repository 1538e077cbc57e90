# Install rules, the CMake package config, the pkg-config file and CPack (.deb) for the library.
# Layout under the prefix: lib/libtheano_<layer>.a (one static library per layer, cmake/Layers.cmake),
# lib/cmake/TheanoCpp/, lib/pkgconfig/theano-cpp.pc and include/theano/ holding the source tree's
# headers at their source paths (frontend/theano/, core/, graph/, ops/, runtime/). The headers include each other by those paths ("graph/var.hpp"), so a
# consumer's include path is the source tree's, moved under include/theano: include/theano and
# include/theano/frontend. The target and the .pc file both give exactly that, so
# `#include <theano/theano.hpp>` works as in the examples.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(THEANO_CPP_INCLUDE_SUBDIR ${CMAKE_INSTALL_INCLUDEDIR}/theano)
set(THEANO_CPP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/TheanoCpp)

# The library's users compile C++20 too; installed consumers see the relocated include dirs.
target_compile_features(theano_core PUBLIC cxx_std_20)
target_include_directories(theano INTERFACE
  $<INSTALL_INTERFACE:${THEANO_CPP_INCLUDE_SUBDIR}>
  $<INSTALL_INTERFACE:${THEANO_CPP_INCLUDE_SUBDIR}/frontend>)
set_target_properties(theano PROPERTIES EXPORT_NAME theano)

set(layer_targets "")
foreach(layer ${THEANO_CPP_LAYERS})
  list(APPEND layer_targets theano_${layer})
endforeach()
install(TARGETS theano ${layer_targets} EXPORT TheanoCppTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${THEANO_CPP_INCLUDE_SUBDIR} ${THEANO_CPP_INCLUDE_SUBDIR}/frontend)
# Every header of the layers, not only those theano.hpp reaches today: a header added later is
# installed without touching this file.
# (frontend/ itself holds only the library's own .cpp and private headers besides theano/.)
set(header_dirs ${THEANO_CPP_LAYERS})
list(REMOVE_ITEM header_dirs frontend)
foreach(dir frontend/theano ${header_dirs})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${THEANO_CPP_INCLUDE_SUBDIR}/${dir}
    FILES_MATCHING PATTERN "*.hpp" PATTERN "*.def")
endforeach()

install(EXPORT TheanoCppTargets NAMESPACE TheanoCpp:: DESTINATION ${THEANO_CPP_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/TheanoCppConfig.cmake.in
  ${PROJECT_BINARY_DIR}/TheanoCppConfig.cmake INSTALL_DESTINATION ${THEANO_CPP_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/TheanoCppConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/TheanoCppConfig.cmake ${PROJECT_BINARY_DIR}/TheanoCppConfigVersion.cmake
  DESTINATION ${THEANO_CPP_CMAKE_DIR})

# pkg-config: the prefix is found from the .pc file's own place, so an unpacked .deb or a moved
# prefix works too. A static library lists its dependencies in Libs (not Libs.private), so that
# `pkg-config --libs theano-cpp` alone links.
file(RELATIVE_PATH THEANO_CPP_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
# The layers' libraries, highest first, as a static link needs them.
set(THEANO_CPP_PC_LIBS "")
foreach(layer ${THEANO_CPP_LAYERS})
  set(THEANO_CPP_PC_LIBS "-ltheano_${layer} ${THEANO_CPP_PC_LIBS}")
endforeach()
if(THEANO_CPP_LIBBACKTRACE)
  set(THEANO_CPP_PC_LIBS "${THEANO_CPP_PC_LIBS}${THEANO_CPP_LIBBACKTRACE} ")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/theano-cpp.pc.in ${PROJECT_BINARY_DIR}/theano-cpp.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/theano-cpp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# cpack -G DEB: a development package (static library + headers), installed under /usr.
set(CPACK_PACKAGE_NAME "libtheano-cpp-dev")
set(CPACK_PACKAGE_VENDOR "theano-cpp")
set(CPACK_PACKAGE_CONTACT "theano-cpp developers <theano-cpp@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Theano's symbolic graphs, gradients and compiled functions in C++ (static library, headers)")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas-dev, libfmt-dev, zlib1g-dev, libgcc-12-dev")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_GENERATOR "DEB")
include(CPack)
