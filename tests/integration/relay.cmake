# Integration tests of tempchat-relay (server/), included from
# tests/integration/CMakeLists.txt. They run under Node's built-in test
# runner with the real scaledrone-node@1.5.0 client from ${TC_NODE_MODULES}:
#   integration/relay_node  scaledrone-node clients, raw frames, limits,
#                           deadlines, SIGTERM and what reaches the log
#   integration/relay_tls   wss:// and https:// with a throwaway certificate
#   integration/relay_web   --web-root over http next to the websocket
#   integration/relay_channels  rooms of one name in two channels never meet
#   integration/relay_frames  hostile frames while a healthy room keeps talking
#   integration/relay_limits  per-address and total limits, EMFILE under ulimit -n 64
#   integration/relay_amplify  client_data cap, repeated subscribes, bytes charged
#   integration/relay_auth  JWT authentication with scaledrone-node authenticate()
#   integration/relay_memory  RSS comes back after a flood
if(NOT TARGET tempchat-relay)
  return()
endif()
if(NOT NODE_EXECUTABLE)
  message(STATUS "node not found: relay integration tests not registered")
  return()
endif()
find_program(OPENSSL_EXECUTABLE openssl)

set(relay_node_tests node web channels frames limits amplify auth)
# ASan's allocator keeps freed memory in quarantine and ignores
# malloc_trim(): RSS after a flood says nothing about the relay there.
if(NOT TC_SANITIZE)
  list(APPEND relay_node_tests memory)
endif()
if(OPENSSL_EXECUTABLE)
  list(APPEND relay_node_tests tls)
else()
  message(STATUS "openssl not found: integration/relay_tls not registered")
endif()

foreach(name ${relay_node_tests})
  add_test(NAME integration/relay_${name}
    COMMAND ${NODE_EXECUTABLE} --test
            ${CMAKE_CURRENT_SOURCE_DIR}/relay_${name}.test.mjs)
  set_tests_properties(integration/relay_${name} PROPERTIES
    ENVIRONMENT "NODE_PATH=${TC_NODE_MODULES};RELAY=$<TARGET_FILE:tempchat-relay>;OPENSSL=${OPENSSL_EXECUTABLE}"
    # Without the npm packages the test cannot run: say so instead of failing
    # obscurely (scripts/test installs them).
    REQUIRED_FILES ${TC_NODE_MODULES}/scaledrone-node/index.js
    TIMEOUT 120)
endforeach()
