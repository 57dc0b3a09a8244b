# tc_session end to end, included from tests/integration/CMakeLists.txt:
#   integration/session_relay     sessions meet through the real relay and
#                                 call each other over ICE on 127.0.0.1
#   integration/session_loopback  sessions paired by an in-process signaller
#                                 that can rewrite messages (fingerprint
#                                 mismatch, glare, crossing re-offers when
#                                 directions change in a running call)
#   integration/session_recovery  the ICE path cut and restored (nftables in
#                                 the test's own network namespace; root)
#                                 and 1080p keyframes through a tbf (tc),
#                                 paced and not: NACKs counted
#   integration/session_lossy     the same namespace with 10% random loss
#                                 for 32 s: the path is never called lost
set(tc_session_tests session_loopback session_recovery)
if(TARGET tempchat-relay)
  list(APPEND tc_session_tests session_relay)
endif()
foreach(name ${tc_session_tests})
  add_executable(test_${name} ${CMAKE_CURRENT_SOURCE_DIR}/test_${name}.c)
  target_link_libraries(test_${name} PRIVATE tempchat-core PkgConfig::GLIB)
  target_include_directories(test_${name} PRIVATE
    ${PROJECT_SOURCE_DIR}/common/src ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT name STREQUAL session_recovery)
    add_test(NAME integration/${name} COMMAND test_${name})
    set_tests_properties(integration/${name} PROPERTIES TIMEOUT 240)
  endif()
endforeach()

# The loss test is long: a ctest entry of its own, same binary.
add_test(NAME integration/session_recovery
  COMMAND test_session_recovery -s /session/lossy/random-loss-keeps-the-path)
set_tests_properties(integration/session_recovery PROPERTIES TIMEOUT 300)
add_test(NAME integration/session_lossy
  COMMAND test_session_recovery -p /session/lossy/random-loss-keeps-the-path)
set_tests_properties(integration/session_lossy PROPERTIES TIMEOUT 120)

if(TARGET tempchat-relay)
  target_compile_definitions(test_session_relay PRIVATE
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>")
  add_dependencies(test_session_relay tempchat-relay)
endif()
