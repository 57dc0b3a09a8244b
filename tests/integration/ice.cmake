# ICE transport (common/src/net/ice_*.c) over real sockets, 127.0.0.1 only:
# two agents in one GMainContext, and relay-only through a real coturn that
# the test starts itself on a free loopback port and kills in teardown (for
# turns: TLS-only, with a self-signed certificate made by the openssl tool).
find_program(TURNSERVER_EXECUTABLE turnserver)
if(NOT TURNSERVER_EXECUTABLE)
  message(STATUS "turnserver (coturn) not found: the ICE TURN tests will be skipped")
  set(TURNSERVER_EXECUTABLE "")
endif()

find_program(OPENSSL_EXECUTABLE openssl)
if(NOT OPENSSL_EXECUTABLE)
  message(STATUS "openssl (the tool) not found: the ICE turns: tests will be skipped")
  set(OPENSSL_EXECUTABLE "")
endif()

add_executable(test_ice_loopback ${CMAKE_CURRENT_SOURCE_DIR}/test_ice_loopback.c)
target_link_libraries(test_ice_loopback PRIVATE tempchat-core PkgConfig::GLIB)
target_include_directories(test_ice_loopback PRIVATE ${PROJECT_SOURCE_DIR}/common/src)
target_compile_definitions(test_ice_loopback PRIVATE
  TC_TURNSERVER="${TURNSERVER_EXECUTABLE}" TC_OPENSSL="${OPENSSL_EXECUTABLE}")

# One ctest entry per group so they run in parallel and fail separately.
foreach(group loopback mdns restart recheck turn turns)
  add_test(NAME integration/ice-${group}
    COMMAND test_ice_loopback -p /ice/${group})
  set_tests_properties(integration/ice-${group} PROPERTIES TIMEOUT 120)
endforeach()
