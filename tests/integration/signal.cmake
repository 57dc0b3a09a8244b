# Integration test of the ScaleDrone client (common/src/signal/) against the
# real relay binary, included from tests/integration/CMakeLists.txt:
#   integration/signal_relay  two and three tc_scaledrone clients in one
#                             GMainContext: roles, messages, relay restart,
#                             room full, wrong channel, creation refusals,
#                             wss:// trust and host checks, and
#                             tempchat-join --exit-on-peer
if(NOT TARGET tempchat-relay)
  return()
endif()

# wss:// cases make a throwaway CA with the openssl tool; without it they skip.
find_program(OPENSSL_EXECUTABLE openssl)
if(NOT OPENSSL_EXECUTABLE)
  set(OPENSSL_EXECUTABLE "")
endif()

add_executable(test_signal_relay ${CMAKE_CURRENT_SOURCE_DIR}/test_signal_relay.c)
target_link_libraries(test_signal_relay PRIVATE tempchat-core PkgConfig::GLIB)
target_compile_definitions(test_signal_relay PRIVATE
  TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>"
  TC_JOIN_PATH="$<TARGET_FILE:tempchat-join>"
  TC_OPENSSL_PATH="${OPENSSL_EXECUTABLE}")
# The test runs both programs, so building it builds them.
add_dependencies(test_signal_relay tempchat-relay tempchat-join)
add_test(NAME integration/signal_relay COMMAND test_signal_relay)
set_tests_properties(integration/signal_relay PROPERTIES TIMEOUT 180)
