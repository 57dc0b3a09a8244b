# Integration tests of the GStreamer plugin (gst-plugin/), included from
# tests/integration/CMakeLists.txt. Both load libgsttempchat.so from the
# build tree through GST_PLUGIN_PATH with a private registry:
#   integration/gst_elements  what gst-inspect-1.0 shows (properties and
#                             their docs, pad templates, defaults, stats)
#                             and the errors for settings that cannot work
#   integration/gst_call      gst <-> gst calls through the real relay:
#                             one-way decoded, one-way encoded pass-through,
#                             two-way with sink and src in one pipeline
#                             (the other side runs in a child process),
#                             and pipelines of one process joining and
#                             leaving a running call (renegotiation)
if(NOT TARGET gsttempchat)
  return()
endif()

foreach(name gst_elements gst_call)
  add_executable(test_${name} ${CMAKE_CURRENT_SOURCE_DIR}/test_${name}.c)
  target_link_libraries(test_${name} PRIVATE PkgConfig::GST PkgConfig::GLIB)
  target_compile_definitions(test_${name} PRIVATE
    TC_GST_PLUGIN_DIR="$<TARGET_FILE_DIR:gsttempchat>")
  add_dependencies(test_${name} gsttempchat)
  add_test(NAME integration/${name} COMMAND test_${name})
endforeach()
set_tests_properties(integration/gst_elements PROPERTIES TIMEOUT 60)
# ASan builds: GStreamer's plugin scanner needs the runtime preloaded.
if(TC_ASAN_RUNTIME)
  set_tests_properties(integration/gst_elements integration/gst_call
    PROPERTIES ENVIRONMENT
    "LD_PRELOAD=${TC_ASAN_RUNTIME};ASAN_OPTIONS=detect_leaks=0")
endif()

if(TARGET tempchat-relay)
  target_compile_definitions(test_gst_call PRIVATE
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>")
  add_dependencies(test_gst_call tempchat-relay)
  set_tests_properties(integration/gst_call PROPERTIES TIMEOUT 180)
else()
  set_tests_properties(integration/gst_call PROPERTIES DISABLED TRUE)
endif()
