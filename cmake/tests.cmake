# The native tests (-DBUILD_TESTING=ON; npm test turns it on): the C unit tests, and with the
# libcurl transport its end-to-end tests against the sandbox, the examples (examples/) and the
# installed library (tests/examples/install_test.sh). Included by CMakeLists.txt after
# cmake/library.cmake.
enable_testing()
add_executable(dh_tests
  tests/c/test_main.c tests/c/test_runner.c tests/c/scripted_transport.c tests/c/test_validate.c
  tests/c/test_url.c tests/c/test_decode.c tests/c/test_errors.c tests/c/test_headers.c tests/c/test_client.c
  tests/c/test_resilience.c tests/c/test_soak.c tests/c/test_manifest.c tests/c/test_plan.c
  tests/c/test_audit.c tests/c/test_oom.c)
target_include_directories(dh_tests PRIVATE src/core tests/c)
target_compile_options(dh_tests PRIVATE ${DH_WARNINGS})
target_link_libraries(dh_tests PRIVATE dh_core)
set(DH_SANITIZED dh_core cjson dh_strtod dh_tests)
foreach(group validate url decode errors headers client resilience soak manifest plan audit oom)
  add_test(NAME c.${group} COMMAND dh_tests ${group})
endforeach()

if(DH_CURL)
  find_program(NODE node REQUIRED)
  set(DH_E2E_RUN ${NODE} ${CMAKE_SOURCE_DIR}/tests/c/e2e_sandbox.mjs)
  add_executable(dh_e2e tests/c/e2e_main.c tests/c/test_runner.c tests/c/e2e_ops.c tests/c/e2e_faults.c
                        tests/c/e2e_soak.c tests/c/e2e_transport.c)
  target_include_directories(dh_e2e PRIVATE src/core src/transport tests/c)
  target_compile_options(dh_e2e PRIVATE ${DH_WARNINGS})
  target_link_libraries(dh_e2e PRIVATE dh_curl)
  add_executable(oat_example tests/examples/oat_example.c)
  target_compile_options(oat_example PRIVATE ${DH_WARNINGS})
  target_link_libraries(oat_example PRIVATE dh_curl)
  list(APPEND DH_SANITIZED dh_curl dh_e2e oat_example)
  # scripts/check-native.sh runs the same commands (label e2e) under valgrind.
  set(DH_E2E_GROUPS ops renewal retry_after faults pagination loop soak tls transport failures headers environment)
  foreach(group ${DH_E2E_GROUPS})
    set(sandbox_args "")
    if(group STREQUAL "renewal")
      set(sandbox_args --jwt-ttl 90) # short-lived JWTs: the renewal tests count on 90 s
    elseif(group MATCHES "^(tls|failures|environment)$")
      set(sandbox_args --tls)        # HTTPS servers with made-up certificates
    endif()
    add_test(NAME e2e.${group} COMMAND ${DH_E2E_RUN} ${sandbox_args} $<TARGET_FILE:dh_e2e> ${group})
    set_tests_properties(e2e.${group} PROPERTIES TIMEOUT 300 LABELS e2e)
  endforeach()
  add_test(NAME e2e.example COMMAND ${DH_E2E_RUN} --check-example $<TARGET_FILE:oat_example>)
  set_tests_properties(e2e.example PROPERTIES TIMEOUT 300 LABELS e2e)

  # examples/: each built from the tree and run against the sandbox (under ASan in build/asan).
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv) # examples/libuv.c (Debian: libuv1-dev)
  # The adapter where an install puts it: <dockerhub_oat/adapters/libuv.h>.
  configure_file(adapters/libuv.h ${CMAKE_BINARY_DIR}/include/dockerhub_oat/adapters/libuv.h COPYONLY)
  foreach(example blocking select_loop libuv)
    add_executable(example_${example} examples/${example}.c)
    target_include_directories(example_${example} PRIVATE ${CMAKE_BINARY_DIR}/include)
    target_compile_options(example_${example} PRIVATE ${DH_WARNINGS})
    target_link_libraries(example_${example} PRIVATE dh_curl)
    list(APPEND DH_SANITIZED example_${example})
    add_test(NAME e2e.examples.${example}
             COMMAND ${DH_E2E_RUN} --expect-line ci-pull $<TARGET_FILE:example_${example}>)
    set_tests_properties(e2e.examples.${example} PROPERTIES TIMEOUT 300 LABELS e2e)
  endforeach()
  target_link_libraries(example_libuv PRIVATE PkgConfig::LIBUV)

  if(NOT DH_SANITIZE)
    # cmake --install into a temporary prefix; what is installed, and programs built against it.
    add_test(NAME e2e.install COMMAND bash ${CMAKE_SOURCE_DIR}/tests/examples/install_test.sh
             ${CMAKE_BINARY_DIR} ${CMAKE_C_COMPILER})
    set_tests_properties(e2e.install PROPERTIES TIMEOUT 300 LABELS e2e)
  endif()
endif()

if(DH_SANITIZE)
  foreach(t ${DH_SANITIZED})
    target_compile_options(${t} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_link_options(${t} PRIVATE -fsanitize=address,undefined)
    endif()
  endforeach()
endif()
