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
#   integration/gst_pipeline  the elements as a GStreamer user meets them:
#                             EOS (Ctrl-C) before a peer, an unreachable
#                             relay, a busy room, properties while PLAYING,
#                             queries before a peer, the sender's knobs,
#                             and every gst-launch-1.0 line of README.md
#                             and the elements' docs, run as written
#                             (test sources and fakesinks for devices)
#   integration/gst_latency   gst -> gst on loopback as a user sees it:
#                             tempchatsrc's adaptive latency under 50 ms,
#                             a flash and a beep within 5 ms in each of
#                             three calls, the sink's
#                             audio one packet per 20 ms from 10, 21.3 and
#                             100 ms input buffers
#   integration/gst_codecs    each video codec gst -> gst (decoded at the
#                             sender's size) and tempchatsrc decode=false
#                             recorded into Matroska (AV1, H264 also
#                             MP4), read back by gst-discoverer-1.0 (codec,
#                             size, duration); the sender's frame rate in
#                             the decoded and encoded caps; a detailed
#                             picture's first keyframe at most 0.5 s of the
#                             start bitrate and the frames after it not
#                             starved (AV1, VP9, VP8, H264)
#   integration/gst_av1dec    tempchatav1dec (dav1d) against libaom's av1dec
#                             on real av1enc streams: the same pictures bit
#                             for bit in I420, Y42B and Y444 at an odd size,
#                             a size change, and a damaged frame (a warning,
#                             a keyframe asked for, nothing shown until the
#                             next keyframe)
#   integration/gst_overload  a sink whose encoder cannot keep up drops late
#                             raw frames (stats frames-dropped-late) and
#                             sends no faster than its source, near its
#                             max-bitrate; a fast one drops none
#   integration/gst_mtu       payloader-setup's "mtu" takes video through a
#                             path (nftables in a namespace of its own)
#                             that drops the default-size packets; an mtu
#                             out of range warns
#   integration/gst_srtp_shared  GStreamer's srtpenc initialises libsrtp
#                             first; our SRTP sessions still work beside it
if(NOT TARGET gsttempchat)
  return()
endif()

set(tc_gst_tests gst_elements gst_call gst_pipeline gst_codecs)
set(TC_GST_AV1DEC_TEST "")
if(TC_GST_AV1DEC)
  list(APPEND tc_gst_tests gst_av1dec)
  set(TC_GST_AV1DEC_TEST integration/gst_av1dec)
endif()
foreach(name ${tc_gst_tests})
  add_executable(test_${name} ${CMAKE_CURRENT_SOURCE_DIR}/test_${name}.c)
  target_link_libraries(test_${name} PRIVATE PkgConfig::GST PkgConfig::GLIB)
  target_compile_definitions(test_${name} PRIVATE
    TC_GST_PLUGIN_DIR="$<TARGET_FILE_DIR:gsttempchat>")
  add_dependencies(test_${name} gsttempchat)
  add_test(NAME integration/${name} COMMAND test_${name})
endforeach()
set_tests_properties(integration/gst_elements PROPERTIES TIMEOUT 60)
# Which payload formats the core has decides which codecs gst_codecs runs;
# which AV1 decoder the plugin has, what tempchatsrc must pick.
target_link_libraries(test_gst_codecs PRIVATE tempchat-core)
if(TC_GST_AV1DEC)
  foreach(name ${tc_gst_tests})
    add_dependencies(test_${name} gsttempchatav1dec)
  endforeach()
  target_compile_definitions(test_gst_codecs PRIVATE TC_GST_AV1DEC)
  target_compile_definitions(test_gst_pipeline PRIVATE TC_GST_AV1DEC)
  pkg_check_modules(GST_AV1DEC_TEST REQUIRED IMPORTED_TARGET
    gstreamer-app-1.0 gstreamer-video-1.0)
  target_link_libraries(test_gst_av1dec PRIVATE PkgConfig::GST_AV1DEC_TEST)
  set_tests_properties(integration/gst_av1dec PROPERTIES TIMEOUT 120)
endif()

add_executable(test_gst_srtp_shared
  ${CMAKE_CURRENT_SOURCE_DIR}/test_gst_srtp_shared.c)
target_link_libraries(test_gst_srtp_shared PRIVATE tempchat-core
  PkgConfig::GST PkgConfig::GLIB)
add_test(NAME integration/gst_srtp_shared COMMAND test_gst_srtp_shared)
set_tests_properties(integration/gst_srtp_shared PROPERTIES TIMEOUT 60)
# ASan builds: GStreamer's plugin scanner needs the runtime preloaded.
if(TC_ASAN_RUNTIME)
  set_tests_properties(integration/gst_elements integration/gst_call
    integration/gst_srtp_shared integration/gst_pipeline integration/gst_codecs
    ${TC_GST_AV1DEC_TEST} PROPERTIES ENVIRONMENT
    "LD_PRELOAD=${TC_ASAN_RUNTIME};ASAN_OPTIONS=detect_leaks=0")
endif()

if(TARGET tempchat-relay)
  target_compile_definitions(test_gst_call PRIVATE
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>")
  add_dependencies(test_gst_call tempchat-relay)
  set_tests_properties(integration/gst_call PROPERTIES TIMEOUT 420)
  target_compile_definitions(test_gst_pipeline PRIVATE
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>"
    TC_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    TC_OPENSSL="${OPENSSL_EXECUTABLE}")
  add_dependencies(test_gst_pipeline tempchat-relay)
  set_tests_properties(integration/gst_pipeline PROPERTIES TIMEOUT 120)
  add_executable(test_gst_latency ${CMAKE_CURRENT_SOURCE_DIR}/test_gst_latency.c)
  pkg_check_modules(GST_VIDEO REQUIRED IMPORTED_TARGET gstreamer-video-1.0)
  target_link_libraries(test_gst_latency PRIVATE PkgConfig::GST
    PkgConfig::GST_VIDEO PkgConfig::GLIB m)
  target_compile_definitions(test_gst_latency PRIVATE
    TC_GST_PLUGIN_DIR="$<TARGET_FILE_DIR:gsttempchat>"
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>")
  add_dependencies(test_gst_latency gsttempchat tempchat-relay)
  add_executable(jitter_shim ${CMAKE_CURRENT_SOURCE_DIR}/jitter_shim.c)
  # What these judge is how late media comes out (under 50 ms, A/V within
  # 5 ms): under ASan everything runs several times slower and the figures
  # measure the sanitizer (the first clean phase 240 ms; lip sync holds).
  # So they run in the normal build only, like the relay's memory test; the
  # same code runs under ASan in every other gst test.
  if(NOT TC_SANITIZE)
    add_test(NAME integration/gst_latency COMMAND test_gst_latency)
    set_tests_properties(integration/gst_latency PROPERTIES TIMEOUT 300)
    # 30 ms of delay jitter through a user-space link between two network
    # namespaces: the latency grows until no frame is late, then falls.
    add_test(NAME integration/gst_jitter
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/gst_jitter.sh
              $<TARGET_FILE:test_gst_latency> $<TARGET_FILE:tempchat-relay>
              $<TARGET_FILE_DIR:gsttempchat> $<TARGET_FILE:jitter_shim>)
    set_tests_properties(integration/gst_jitter PROPERTIES TIMEOUT 180
      SKIP_RETURN_CODE 77)
  endif()
  # payloader-setup's MTU through a path that drops larger datagrams (its
  # own network namespace and nftables rule; skipped without root).
  add_executable(test_gst_mtu ${CMAKE_CURRENT_SOURCE_DIR}/test_gst_mtu.c)
  target_link_libraries(test_gst_mtu PRIVATE PkgConfig::GST PkgConfig::GLIB)
  target_compile_definitions(test_gst_mtu PRIVATE
    TC_GST_PLUGIN_DIR="$<TARGET_FILE_DIR:gsttempchat>"
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>")
  add_dependencies(test_gst_mtu gsttempchat tempchat-relay)
  add_test(NAME integration/gst_mtu COMMAND test_gst_mtu)
  set_tests_properties(integration/gst_mtu PROPERTIES TIMEOUT 180)
  if(TC_ASAN_RUNTIME)
    set_tests_properties(integration/gst_mtu PROPERTIES ENVIRONMENT
      "LD_PRELOAD=${TC_ASAN_RUNTIME};ASAN_OPTIONS=detect_leaks=0")
  endif()
  add_executable(test_gst_overload
    ${CMAKE_CURRENT_SOURCE_DIR}/test_gst_overload.c)
  target_link_libraries(test_gst_overload PRIVATE PkgConfig::GST
    PkgConfig::GLIB)
  target_compile_definitions(test_gst_overload PRIVATE
    TC_GST_PLUGIN_DIR="$<TARGET_FILE_DIR:gsttempchat>"
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>")
  add_dependencies(test_gst_overload gsttempchat tempchat-relay)
  # What it judges is how fast frames leave (no second above the source's
  # rate, none dropped by an encoder that keeps up): under ASan the sender's
  # own code runs several times slower and a 320x240 call dropped frames
  # (6, with a 25 fps second), the figures measuring the sanitizer. So, like
  # gst_latency, it runs in the normal build; the queue it exercises is in
  # every raw-video sink of the other gst tests, which run under ASan.
  if(NOT TC_SANITIZE)
    add_test(NAME integration/gst_overload COMMAND test_gst_overload)
    set_tests_properties(integration/gst_overload PROPERTIES TIMEOUT 240)
  endif()
  target_compile_definitions(test_gst_codecs PRIVATE
    TC_RELAY_PATH="$<TARGET_FILE:tempchat-relay>")
  add_dependencies(test_gst_codecs tempchat-relay)
  set_tests_properties(integration/gst_codecs PROPERTIES TIMEOUT 600)
else()
  set_tests_properties(integration/gst_call integration/gst_pipeline
    integration/gst_codecs PROPERTIES DISABLED TRUE)
endif()

# A sender behind a 1 Mbit/s tbf in a network namespace lowers its target
# below the limit (needs root: skipped otherwise).
if(TARGET tempchat-relay)
  add_test(NAME integration/gst_bwe_tbf
    COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/bwe_tbf.sh
            $<TARGET_FILE:test_gst_call> $<TARGET_FILE:tempchat-relay>
            $<TARGET_FILE_DIR:gsttempchat>)
  set_tests_properties(integration/gst_bwe_tbf PROPERTIES TIMEOUT 120
    SKIP_RETURN_CODE 77)
  # congestion-control=none: the target stays put behind the same tbf.
  add_test(NAME integration/gst_bwe_tbf_no_cc
    COMMAND env CC=none sh ${CMAKE_CURRENT_SOURCE_DIR}/bwe_tbf.sh
            $<TARGET_FILE:test_gst_call> $<TARGET_FILE:tempchat-relay>
            $<TARGET_FILE_DIR:gsttempchat>)
  set_tests_properties(integration/gst_bwe_tbf_no_cc PROPERTIES TIMEOUT 90
    SKIP_RETURN_CODE 77)
  # quality=1080p behind 1.5 Mbit/s: settles below it and stays there, then
  # climbs past 3 Mbit/s once the tbf is removed.
  add_test(NAME integration/gst_bwe_tbf_lift
    COMMAND env LIFT=1 sh ${CMAKE_CURRENT_SOURCE_DIR}/bwe_tbf.sh
            $<TARGET_FILE:test_gst_call> $<TARGET_FILE:tempchat-relay>
            $<TARGET_FILE_DIR:gsttempchat>)
  set_tests_properties(integration/gst_bwe_tbf_lift PROPERTIES TIMEOUT 160
    SKIP_RETURN_CODE 77)
  # 5 % and 10 % random loss both ways for 30 s (bench/gst_loss.sh runs
  # 60 s, five times, both roles, beside Chromium): frames decoded, the
  # path never looks lost, audio concealed and played, media after; the
  # sink offers at 5 % and answers at 10 %.
  foreach(pct 5 10)
    if(pct EQUAL 5)
      set(role sink-offers)
    else()
      set(role src-offers)
    endif()
    add_test(NAME integration/gst_loss_${pct}
      COMMAND env ROLE=${role} bash ${CMAKE_CURRENT_SOURCE_DIR}/gst_loss.sh
              $<TARGET_FILE:test_gst_call> $<TARGET_FILE:tempchat-relay>
              $<TARGET_FILE_DIR:gsttempchat> ${pct} 30)
    set_tests_properties(integration/gst_loss_${pct} PROPERTIES TIMEOUT 150
      SKIP_RETURN_CODE 77)
  endforeach()
  # The repair knobs off: NACKs unanswered, no audio from FEC.
  add_test(NAME integration/gst_loss_no_repair
    COMMAND env REPAIR=off bash ${CMAKE_CURRENT_SOURCE_DIR}/gst_loss.sh
            $<TARGET_FILE:test_gst_call> $<TARGET_FILE:tempchat-relay>
            $<TARGET_FILE_DIR:gsttempchat> 5 15)
  set_tests_properties(integration/gst_loss_no_repair PROPERTIES TIMEOUT 120
    SKIP_RETURN_CODE 77)
  # call_failed: a call whose UDP path is cut before it connects fails as
  # a warning (tempchat/call-failed, no error); restored, the checks that
  # go on find the path and video comes within 3 s. signaling_blip: the relay killed and started again on its
  # port mid-call: the same call goes on, signaling comes back.
  foreach(script call_failed signaling_blip)
    add_test(NAME integration/gst_${script}
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/gst_${script}.sh
              $<TARGET_FILE:test_gst_call> $<TARGET_FILE:tempchat-relay>
              $<TARGET_FILE_DIR:gsttempchat>)
    set_tests_properties(integration/gst_${script} PROPERTIES TIMEOUT 150
      SKIP_RETURN_CODE 77)
  endforeach()
  if(TC_ASAN_RUNTIME)
    set_tests_properties(integration/gst_bwe_tbf integration/gst_bwe_tbf_no_cc
      integration/gst_bwe_tbf_lift integration/gst_loss_5
      integration/gst_loss_10 integration/gst_loss_no_repair
      integration/gst_call_failed integration/gst_signaling_blip PROPERTIES
      ENVIRONMENT
      "LD_PRELOAD=${TC_ASAN_RUNTIME};ASAN_OPTIONS=detect_leaks=0")
  endif()
endif()
