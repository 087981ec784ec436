# The native library a C program links: the core, cJSON and the libcurl transport, as
#   lib/libdockerhub_oat.a                      one object inside: every name but dh_* made local
#   lib/libdockerhub_oat.so.0 (-> .so.0.1.0)    soname from the major version, exports dh_* only
#   include/dockerhub_oat*.h, include/dockerhub_oat/adapters/libuv.h
#   lib/pkgconfig/dockerhub-oat.pc, lib/cmake/dockerhub_oat/ (find_package(dockerhub_oat CONFIG))
# Included by CMakeLists.txt for the native build.
include(GNUInstallDirs)

file(READ "${CMAKE_SOURCE_DIR}/package.json" package_json)
string(JSON DH_VERSION GET "${package_json}" version) # one version for npm, the .so and pkg-config
string(REGEX MATCH "^[0-9]+" DH_VERSION_MAJOR "${DH_VERSION}")

# libcurl is what the library talks HTTP with; without it (DH_CURL=OFF) the library is the core
# alone, for a program that brings its own dh_transport.
option(DH_CURL "Build the libcurl transport (dockerhub_oat_curl.h)" ON)
if(DH_CURL)
  find_package(CURL)
  if(NOT CURL_FOUND)
    message(FATAL_ERROR "the libcurl transport needs libcurl's headers (Debian: apt-get install "
                        "libcurl4-openssl-dev pkg-config; bash scripts/setup.sh), or -DDH_CURL=OFF")
  endif()
  add_library(dh_curl STATIC src/transport/transport_curl.c src/transport/transport_curl_rx.c)
  target_include_directories(dh_curl PUBLIC src/include PRIVATE src/core src/transport)
  target_compile_options(dh_curl PRIVATE ${DH_WARNINGS})
  target_compile_definitions(dh_curl PRIVATE _POSIX_C_SOURCE=200809L) # clock_gettime
  target_link_libraries(dh_curl PUBLIC dh_core CURL::libcurl ${CMAKE_DL_LIBS})
endif()

# Every object of the library: only what a header marks DH_PUBLIC is visible outside it, and
# position-independent, since the same objects make the shared library.
set(DH_LIBRARY_PARTS dh_core cjson dh_strtod)
if(DH_CURL)
  list(APPEND DH_LIBRARY_PARTS dh_curl)
endif()
set_target_properties(${DH_LIBRARY_PARTS} PROPERTIES C_VISIBILITY_PRESET hidden POSITION_INDEPENDENT_CODE ON)

# The shared library: hidden by default, and the version script keeps anything else from leaking.
set(DH_PART_OBJECTS "")
foreach(part ${DH_LIBRARY_PARTS})
  list(APPEND DH_PART_OBJECTS $<TARGET_OBJECTS:${part}>)
endforeach()
add_library(dockerhub_oat_shared SHARED ${DH_PART_OBJECTS})
set_target_properties(dockerhub_oat_shared PROPERTIES
  OUTPUT_NAME dockerhub_oat EXPORT_NAME dockerhub_oat
  VERSION ${DH_VERSION} SOVERSION ${DH_VERSION_MAJOR}
  LINK_DEPENDS "${CMAKE_SOURCE_DIR}/cmake/dockerhub_oat.map")
target_link_options(dockerhub_oat_shared PRIVATE
  "-Wl,--version-script=${CMAKE_SOURCE_DIR}/cmake/dockerhub_oat.map" -Wl,--no-undefined)
target_link_libraries(dockerhub_oat_shared PRIVATE m)
if(DH_CURL)
  target_link_libraries(dockerhub_oat_shared PRIVATE CURL::libcurl ${CMAKE_DL_LIBS})
endif()
target_include_directories(dockerhub_oat_shared INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/src/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

# The static archive. An archive has no version script, so hiding takes one more step: the parts
# are linked into one relocatable object (ld -r), whose hidden symbols objcopy then makes local.
# Only dh_* globals are left, and cJSON's copy, its hooks included, cannot meet a program's own
# cJSON. (Prefixing every internal name would still leave them global, and cJSON's names are
# not ours to rename.)
set(DH_ARCHIVE_OBJECT "${CMAKE_CURRENT_BINARY_DIR}/dockerhub_oat_private.o")
set(DH_PART_ARCHIVES "")
foreach(part ${DH_LIBRARY_PARTS})
  list(APPEND DH_PART_ARCHIVES $<TARGET_FILE:${part}>)
endforeach()
add_custom_command(OUTPUT "${DH_ARCHIVE_OBJECT}"
  COMMAND "${CMAKE_LINKER}" -r -o dockerhub_oat_merged.o --whole-archive ${DH_PART_ARCHIVES} --no-whole-archive
  COMMAND "${CMAKE_OBJCOPY}" --localize-hidden dockerhub_oat_merged.o "${DH_ARCHIVE_OBJECT}"
  DEPENDS ${DH_LIBRARY_PARTS}
  WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
  COMMENT "one object for libdockerhub_oat.a, every name but dh_* local"
  VERBATIM)
add_library(dockerhub_oat_static STATIC "${DH_ARCHIVE_OBJECT}")
set_target_properties(dockerhub_oat_static PROPERTIES
  OUTPUT_NAME dockerhub_oat EXPORT_NAME dockerhub_oat_static LINKER_LANGUAGE C)
target_link_libraries(dockerhub_oat_static INTERFACE m)
if(DH_CURL)
  target_link_libraries(dockerhub_oat_static INTERFACE CURL::libcurl ${CMAKE_DL_LIBS})
endif()
target_include_directories(dockerhub_oat_static INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/src/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

# A sanitized or fuzzing build instruments these objects for its tests: its libraries are not
# ones to install (and a shared library cannot carry the sanitizers' runtimes).
if(DH_SANITIZE OR DH_FUZZ)
  set_target_properties(dockerhub_oat_shared dockerhub_oat_static PROPERTIES EXCLUDE_FROM_ALL TRUE)
endif()

# ---- install ----
set(DH_PUBLIC_HEADERS src/include/dockerhub_oat.h src/include/dockerhub_oat_audit.h
                      src/include/dockerhub_oat_manifest.h)
if(DH_CURL)
  list(APPEND DH_PUBLIC_HEADERS src/include/dockerhub_oat_curl.h)
  install(FILES adapters/libuv.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dockerhub_oat/adapters)
endif()
install(FILES ${DH_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS dockerhub_oat_shared dockerhub_oat_static EXPORT dockerhub_oatTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

file(RELATIVE_PATH DH_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
set(DH_PC_REQUIRES "")
if(DH_CURL)
  set(DH_PC_REQUIRES "libcurl")
endif()
configure_file(cmake/dockerhub-oat.pc.in dockerhub-oat.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dockerhub-oat.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

include(CMakePackageConfigHelpers)
set(DH_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dockerhub_oat)
install(EXPORT dockerhub_oatTargets NAMESPACE dockerhub_oat:: DESTINATION ${DH_CMAKE_DIR})
configure_package_config_file(cmake/dockerhub_oatConfig.cmake.in dockerhub_oatConfig.cmake
                              INSTALL_DESTINATION ${DH_CMAKE_DIR})
write_basic_package_version_file(dockerhub_oatConfigVersion.cmake VERSION ${DH_VERSION}
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dockerhub_oatConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/dockerhub_oatConfigVersion.cmake DESTINATION ${DH_CMAKE_DIR})
