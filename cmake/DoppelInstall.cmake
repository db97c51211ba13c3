# Install rules: the static libraries behind doppel::doppel, the public headers, doppelc, and a
# package config so an installed doppel works with find_package(doppel) and doppel_add_rep.
# The layer targets carry build-tree include paths, so the config file declares imported targets
# itself instead of exporting them.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Link order: each library before the ones it uses.
set(_doppel_layers doppel_persist doppel_asio doppel_core doppel_wire doppel_util)
set(DOPPEL_INSTALLED_LIBS "")
foreach(lib IN LISTS _doppel_layers)
  if(TARGET ${lib})
    install(TARGETS ${lib} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
    list(APPEND DOPPEL_INSTALLED_LIBS "\${_doppel_prefix}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:${lib}>")
  endif()
endforeach()
install(TARGETS doppelc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/doppel DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_doppel_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/doppel)
configure_file(${CMAKE_CURRENT_LIST_DIR}/doppelConfig.cmake.in ${CMAKE_BINARY_DIR}/doppelConfig.cmake.gen @ONLY)
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/doppelConfig.cmake INPUT ${CMAKE_BINARY_DIR}/doppelConfig.cmake.gen)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/doppelConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/doppelConfig.cmake ${CMAKE_BINARY_DIR}/doppelConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/DoppelRep.cmake
        DESTINATION ${_doppel_cmake_dir})
