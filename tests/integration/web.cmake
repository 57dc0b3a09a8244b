# Browser tests (tests/web/), included from tests/integration/CMakeLists.txt.
# Headless Chromium (/usr/bin/chromium, driven by playwright-core from
# ${TC_NODE_MODULES}; no browser is ever downloaded) runs tests/web/index.html,
# a stand-in for the TempChat web client, against tempchat-relay:
#   web/chromium-call   Chromium <-> Chromium through the relay: roles, AV1,
#                       720p decoded, Opus, bandwidth hints, L1T3, legacy roles
#   web/chromium-turn   relay-only through a loopback coturn: REST
#                       credentials, wrong secret, ICE restart by the offerer
#   web/gst-chromium    gst-launch-1.0 with our tempchatsink/tempchatsrc
#                       (TC_GST_PLUGIN_DIR) <-> the page: both directions,
#                       both join orders, two-way, a tempchatsrc added
#                       to a running send-only call (tc-gst-stages,
#                       tests/web/gst_stages.c); prints
#                       METRIC join-to-first-frame-ms
#   web/gst-chromium-codecs  each codec forced from our side (video-codecs)
#                       and from the page (setCodecPreferences), two-way at
#                       360p: the page decodes ours, tempchatsrc the page's,
#                       getStats names the codec; defaults give AV1, an
#                       H264-only page H264; prints METRIC codec=...
#   web/chromium-gst-layers  the page's L1T3 in AV1, VP9 and VP8 read by
#                       tempchatsrc: TIDs 0 2 1 2 from the dependency
#                       descriptor (when we offered it) and the VP9 / VP8
#                       payload descriptors
#   web/gst-chromium-turns  tempchatsink relay-only over turns: (coturn with a
#                       self-signed certificate) -> the page, relay-only;
#                       without ca-file a clear certificate error
#   web/gst-chromium-mdns  tempchatsink -> the page in Chromium without camera
#                       permission (host candidates behind mDNS names), in
#                       two network namespaces of the test's own; root only
#   web/chromium-gst-tbf  the page -> tempchatsrc through a 1 Mbit/s tbf on
#                       Chromium's side (two network namespaces of the
#                       test's own; root only): Chromium's estimate comes
#                       below the limit from tempchatsrc's feedback
#   web/gst-chromium-restore  the UDP path between tempchatsink and the page
#                       cut before the first connection and restored 5 s
#                       later (two network namespaces, nftables; root
#                       only): the page decodes within 2 s of the restore
#                       with the sink offering and answering; two pages on
#                       the same path printed as the baseline
#   web/demo-link       the link scripts/demo prints (tests/web/demo_page.mjs),
#                       opened as is, joins a gst sender's call and decodes it
#   web/chromium-gst-lipsync  the page flashes and beeps at the same
#                       instant: tempchatsrc (test_gst_latency --peer
#                       av-recv) hands on each flash and beep within 20 ms
#   web/gst-chromium-lipsync  the other way: tempchatsink (test_gst_latency
#                       --peer "send 10") flashes and beeps, and the page
#                       shows and plays them within 20 ms (its audio
#                       timing from our audio level header extension)
if(NOT TARGET tempchat-relay)
  return()
endif()
if(NOT NODE_EXECUTABLE)
  message(STATUS "node not found: web tests not registered")
  return()
endif()
find_program(CHROMIUM_EXECUTABLE NAMES chromium chromium-browser)
if(NOT CHROMIUM_EXECUTABLE)
  message(STATUS "chromium not found: web tests not registered")
  return()
endif()
find_program(TURNSERVER_EXECUTABLE turnserver)

set(TC_WEB_DIR ${CMAKE_CURRENT_SOURCE_DIR}/../web)
set(web_tests chromium-call=chromium_call)
if(TURNSERVER_EXECUTABLE)
  list(APPEND web_tests chromium-turn=chromium_turn)
else()
  message(STATUS "turnserver (coturn) not found: web/chromium-turn not registered")
endif()

find_program(GST_LAUNCH_EXECUTABLE gst-launch-1.0)
set(tc_gst_plugin_dir "")
set(tc_gst_stages "")
if(TARGET gsttempchat AND GST_LAUNCH_EXECUTABLE)
  list(APPEND web_tests gst-chromium=gst_chromium demo-link=demo_link
    gst-chromium-mdns=gst_chromium_mdns gst-chromium-codecs=gst_chromium_codecs
    chromium-gst-tbf=chromium_gst_tbf chromium-gst-layers=chromium_gst_layers
    gst-chromium-restore=gst_chromium_restore relay-restart=relay_restart
    chromium-gst-lipsync=chromium_gst_lipsync
    gst-chromium-lipsync=gst_chromium_lipsync)
  if(TURNSERVER_EXECUTABLE)
    list(APPEND web_tests gst-chromium-turns=gst_chromium_turns)
  endif()
  set(tc_gst_plugin_dir "$<TARGET_FILE_DIR:gsttempchat>")
  # Several pipelines in one process, started and stopped on command.
  add_executable(tc-gst-stages ${TC_WEB_DIR}/gst_stages.c)
  target_link_libraries(tc-gst-stages PRIVATE PkgConfig::GST PkgConfig::GLIB)
  set(tc_gst_stages "$<TARGET_FILE:tc-gst-stages>")
else()
  message(STATUS "gsttempchat or gst-launch-1.0 missing: web/gst-chromium not registered")
endif()

foreach(entry ${web_tests})
  string(REPLACE "=" ";" parts ${entry})
  list(GET parts 0 name)
  list(GET parts 1 file)
  if(NOT EXISTS ${TC_WEB_DIR}/${file}.test.mjs)
    continue()
  endif()
  add_test(NAME web/${name}
    COMMAND ${NODE_EXECUTABLE} --test ${TC_WEB_DIR}/${file}.test.mjs)
  set_tests_properties(web/${name} PROPERTIES
    ENVIRONMENT "NODE_PATH=${TC_NODE_MODULES};RELAY=$<TARGET_FILE:tempchat-relay>;CHROMIUM=${CHROMIUM_EXECUTABLE};TURNSERVER=${TURNSERVER_EXECUTABLE};TC_GST_PLUGIN_DIR=${tc_gst_plugin_dir};TC_GST_STAGES=${tc_gst_stages};TC_GST_PRELOAD=${TC_ASAN_RUNTIME};TC_GST_LATENCY=$<$<TARGET_EXISTS:test_gst_latency>:$<TARGET_FILE:test_gst_latency>>"
    # Without the npm packages the test cannot run: say so instead of failing
    # obscurely (scripts/test installs them).
    REQUIRED_FILES "${TC_NODE_MODULES}/scaledrone-node/index.js;${TC_NODE_MODULES}/playwright-core/index.js;${TC_NODE_MODULES}/esbuild/package.json"
    # Two browsers encoding 720p AV1 on two cores: not beside other tests.
    RUN_SERIAL TRUE
    TIMEOUT 480)
endforeach()
# gst-chromium also restarts a tempchatsink 10 times in one call.
if(TEST web/gst-chromium)
  set_tests_properties(web/gst-chromium PROPERTIES TIMEOUT 900)
endif()
# The long browser calls (one at a time, minutes in all) run in the normal
# build only: under ASan they would double CI's time past its limit, and
# the same element code runs under ASan in the gst tests and in the short
# browser calls kept here (demo link, TURN, mDNS). The recovery calls too:
# their core paths (checks until the first connection, a new peer
# connection's offer) run under ASan in ice-recheck, session_recovery and
# session_loopback. The two lipsync tests judge timing to 20 ms, which
# under ASan measures the sanitizer (as integration/gst_latency).
foreach(name chromium-call chromium-turn gst-chromium gst-chromium-codecs
    gst-chromium-restore relay-restart chromium-gst-lipsync
    gst-chromium-lipsync)
  if(TEST web/${name})
    set_tests_properties(web/${name} PROPERTIES LABELS no_asan)
  endif()
endforeach()
