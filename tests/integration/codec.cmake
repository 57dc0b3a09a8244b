# Real encoders and decoders around our payload formats, included from
# tests/integration/CMakeLists.txt:
#   integration/codec_roundtrip  vp9enc, av1enc, x264enc and openh264enc
#                                output through our VP9/AV1/H264
#                                payloaders, the jitter buffer (one packet
#                                lost) and depayloaders into vp9dec / av1dec
#                                / avdec_h264: byte-identical frames,
#                                decoded at the encoded size
if(NOT GST_FOUND)
  return()
endif()
pkg_check_modules(GST_APP IMPORTED_TARGET gstreamer-app-1.0>=1.22)
if(NOT GST_APP_FOUND)
  return()
endif()

add_executable(test_codec_roundtrip
  ${CMAKE_CURRENT_SOURCE_DIR}/test_codec_roundtrip.c)
target_link_libraries(test_codec_roundtrip PRIVATE tempchat-core
  PkgConfig::GST_APP PkgConfig::GST PkgConfig::GLIB)
target_include_directories(test_codec_roundtrip PRIVATE
  ${PROJECT_SOURCE_DIR}/common/src)
add_test(NAME integration/codec_roundtrip COMMAND test_codec_roundtrip)
set_tests_properties(integration/codec_roundtrip PROPERTIES TIMEOUT 120)
# ASan builds: GStreamer's plugin scanner needs the runtime preloaded.
if(TC_ASAN_RUNTIME)
  set_tests_properties(integration/codec_roundtrip PROPERTIES ENVIRONMENT
    "LD_PRELOAD=${TC_ASAN_RUNTIME};ASAN_OPTIONS=detect_leaks=0")
endif()
