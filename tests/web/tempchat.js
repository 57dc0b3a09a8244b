// tempchat.js - a test stand-in for the TempChat web client's script.js.
//
// Written from the behaviour its README describes (shared/seed/
// tempchat-web-client-README.txt), not from its code: ScaleDrone observable
// room named after the URL hash, role by client id comparison, offerer adds
// transceivers before createOffer with AV1 > VP9 > H264 > VP8, answerer adds
// tracks after setRemoteDescription, SDP bandwidth hints and Opus fmtp
// munged in before setLocalDescription, L1T3 + maxBitrate 500 ms after
// connecting, trickle ICE, ICE restart by the offerer, a stats panel.
//
// Tests read window.tc instead of scraping the page (see the API at the end).
'use strict';
(() => {
  const SCALEDRONE_CHANNEL = 'YOUR_CHANNEL_ID';
  const QUALITIES = {
    '360p': { width: 640, height: 360, maxKbps: 700, startKbps: 500 },
    '720p': { width: 1280, height: 720, maxKbps: 3000, startKbps: 2000 },
    '1080p': { width: 1920, height: 1080, maxKbps: 6000, startKbps: 4500 },
  };
  const VIDEO_CODEC_ORDER = ['video/av1', 'video/vp9', 'video/h264', 'video/vp8'];
  const NOT_MEDIA_CODECS = ['rtx', 'red', 'ulpfec', 'flexfec-03'];
  const OPUS_PARAMS = [
    ['stereo', '1'], ['sprop-stereo', '1'], ['useinbandfec', '1'],
    ['maxaveragebitrate', '128000'],
  ];
  const AUDIO_MAX_BITRATE = 128000;
  const SCALABILITY_MODE = 'L1T3';
  const APPLY_PARAMS_AFTER_MS = 500;
  const RESTART_GRACE_MS = { failed: 4000, disconnected: 3000 };
  const TURN_CREDENTIAL_LIFETIME_S = 24 * 3600;

  const params = new URLSearchParams(location.search);
  const qualityName = QUALITIES[params.get('quality')] ? params.get('quality') : '720p';
  const quality = QUALITIES[qualityName];
  const legacyRoles = params.get('legacyRoles') === '1';
  // An older page without perfect negotiation: it ignores an offer that
  // meets its own and never rolls back, whatever the client ids say.
  const noYield = params.get('noYield') === '1';
  // Test only: a page forcing its video codecs with setCodecPreferences,
  // as an H264-only (Safari-like) page would: "h264" or "vp9,vp8", in
  // order; applied where the web client applies its order, when offering.
  let forcedCodecs = params.get('videoCodecs')
    ? params.get('videoCodecs').split(',').map((c) => `video/${c.trim().toLowerCase()}`) : null;
  // A visitor who grants no camera: nothing is sent, and without media
  // permission Chromium hides its host addresses behind mDNS names.
  const noCamera = params.get('noCamera') === '1';

  const $ = (id) => document.getElementById(id);
  const remoteVideo = $('remote');
  const localVideo = $('local');

  let drone = null;
  let room = null;
  let pc = null;
  let localStream = null;
  let pendingCandidates = [];
  let inbox = Promise.resolve();
  let restartTimer = null;
  let paramsTimer = null;
  let statsBusy = false;
  let lastTotals = null;
  let joinRequested = false;
  let signalingOpen = false;

  const tc = {
    state: 'starting',      // starting signaling waiting negotiating connected reconnecting closed error
    role: null,             // 'offerer' | 'answerer'
    quality: qualityName,
    legacyRoles,
    noYield,
    room: null,
    clientId: null,
    peerId: null,
    peerArrivedAt: null,    // performance.now() when the call's peer was seen (join order aside)
    localSdp: null,         // the munged SDP given to setLocalDescription (last one)
    remoteSdp: null,
    localTrackSettings: null,
    encodingParams: null,   // the video sender's encodings[0] after applyEncodingParams
    iceRestarts: 0,
    iceGathering: null,     // the peer connection's iceGatheringState
    localCandidates: {},    // candidates sent, by type (host, srflx, relay)
    localMdnsCandidates: 0, // of those, named "<uuid>.local"
    remoteCandidates: { added: 0, refused: 0, endOfCandidates: 0 },
    lastStats: null,
    log: [],
    errors: [],
  };

  function log(msg) {
    const line = `[tc] ${msg}`;
    tc.log.push(line);
    console.log(line);
  }

  function fail(err) {
    const text = err && err.message ? `${err.name}: ${err.message}` : String(err);
    tc.errors.push(text);
    log(`error: ${text}`);
    setState('error');
  }

  function setState(state) {
    tc.state = state;
    $('status').textContent = state;
  }

  const short = (id) => String(id).slice(0, 8);

  // ---- room and ICE configuration ------------------------------------------

  function roomHash() {
    let hash = location.hash.slice(1);
    if (!hash) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      hash = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      location.hash = hash;
    }
    return hash;
  }

  async function hmacSha1Base64(secret, text) {
    const enc = new TextEncoder();
    const key = await crypto.subtle.importKey('raw', enc.encode(secret),
      { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(text)));
    return btoa(String.fromCharCode(...mac));
  }

  // coturn's REST credentials (static-auth-secret): user "<expiry>:<name>",
  // password base64(HMAC-SHA1(secret, user)).
  async function rtcConfiguration() {
    const iceServers = [];
    const stun = params.get('stun');
    const turn = params.get('turn');
    if (stun) iceServers.push({ urls: stun });
    if (turn) {
      const username = `${Math.floor(Date.now() / 1000) + TURN_CREDENTIAL_LIFETIME_S}:tempchat`;
      const credential = await hmacSha1Base64(params.get('turnSecret') || '', username);
      iceServers.push({ urls: turn, username, credential });
    }
    const relayOnly = params.get('relayOnly') === '1';
    log(`ICE: ${turn ? 'STUN + TURN' : 'STUN-only'}${relayOnly ? ' (relay only)' : ''}`);
    return { iceServers, iceTransportPolicy: relayOnly ? 'relay' : 'all' };
  }

  // ---- SDP munging ---------------------------------------------------------

  // Splits an SDP into its session part and media sections (arrays of lines).
  function sdpSections(sdp) {
    const sections = [[]];
    for (const line of sdp.replace(/\r\n$/, '').split('\r\n')) {
      if (line.startsWith('m=')) sections.push([]);
      sections[sections.length - 1].push(line);
    }
    return sections;
  }

  function rtpmaps(section) {
    const map = new Map();
    for (const line of section) {
      const m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line);
      if (m) map.set(m[1], m[2].toLowerCase());
    }
    return map;
  }

  // Sets `pairs` in the fmtp line of payload type `pt` (adding the line after
  // its rtpmap when there is none), keeping its other parameters in order.
  function setFmtp(section, pt, pairs) {
    const prefix = `a=fmtp:${pt} `;
    let at = section.findIndex((l) => l.startsWith(prefix));
    if (at < 0) {
      const rtpmap = section.findIndex((l) => l.startsWith(`a=rtpmap:${pt} `));
      section.splice(rtpmap + 1, 0, prefix);
      at = rtpmap + 1;
    }
    const names = pairs.map(([k]) => k);
    const kept = section[at].slice(prefix.length).split(';').map((p) => p.trim())
      .filter((p) => p && !names.includes(p.split('=')[0]));
    section[at] = prefix + [...kept, ...pairs.map(([k, v]) => `${k}=${v}`)].join(';');
  }

  function mungeVideo(section) {
    const lines = section.filter((l) => !l.startsWith('b=AS:'));
    let at = lines.findIndex((l) => l.startsWith('c='));
    if (at < 0) at = 0;
    lines.splice(at + 1, 0, `b=AS:${quality.maxKbps}`);
    for (const [pt, name] of rtpmaps(lines)) {
      if (NOT_MEDIA_CODECS.includes(name)) continue;
      setFmtp(lines, pt, [['x-google-start-bitrate', quality.startKbps],
        ['x-google-max-bitrate', quality.maxKbps]]);
    }
    return lines;
  }

  function mungeAudio(section) {
    const lines = section.slice();
    for (const [pt, name] of rtpmaps(lines)) {
      if (name === 'opus') setFmtp(lines, pt, OPUS_PARAMS);
    }
    return lines;
  }

  function mungeSdp(sdp) {
    const sections = sdpSections(sdp).map((section, i) => {
      if (i === 0) return section;
      if (section[0].startsWith('m=video ')) return mungeVideo(section);
      if (section[0].startsWith('m=audio ')) return mungeAudio(section);
      return section;
    });
    return `${sections.flat().join('\r\n')}\r\n`;
  }

  // ---- signaling -----------------------------------------------------------

  function send(message) {
    drone.publish({ room: tc.room, message });
  }

  function connectSignaling() {
    const url = params.get('signal') || null;
    drone = new window.Scaledrone(params.get('channel') || SCALEDRONE_CHANNEL, { url });
    drone.on('open', (error) => {
      if (error) { fail(error); return; }
      tc.clientId = drone.clientId;
      signalingOpen = true;
      log(`ScaleDrone open, clientId: ${short(drone.clientId)}`);
      setState('signaling');
      if (params.get('hold') !== '1' || joinRequested) join();
    });
    drone.on('error', (error) => log(`ScaleDrone error: ${error && error.message}`));
    drone.on('close', () => log('ScaleDrone closed'));
    drone.on('reconnect', () => log('ScaleDrone reconnected'));
  }

  function join() {
    joinRequested = true;
    if (room || !signalingOpen) return;
    room = drone.subscribe(tc.room);
    room.on('open', (error) => {
      if (error) { fail(error); return; }
      log(`room open: ${tc.room.slice(0, 17)}...`);
    });
    room.on('members', (members) => {
      log(`members: ${members.length} [${members.map((m) => `'${short(m.id)}'`).join(', ')}]`);
      const others = members.filter((m) => m.id !== tc.clientId);
      if (others.length === 0) setState('waiting');
      else peerArrived(others[0].id, true);
    });
    room.on('member_join', (member) => {
      if (member.id === tc.clientId) return;
      if (tc.peerId) { log('a third member joined: ignored'); return; }
      log(`member joined: ${short(member.id)}`);
      peerArrived(member.id, false);
    });
    room.on('member_leave', (member) => {
      if (member.id !== tc.peerId) return;
      log('peer left');
      closePeer();
      setState('waiting');
    });
    room.on('message', (message) => {
      const from = message.member ? message.member.id : message.clientId;
      if (from === tc.clientId) return; // our own echo
      if (from !== tc.peerId || !pc) return;
      const data = message.data || {};
      inbox = inbox.then(() => (data.sdp ? onDescription(data.sdp)
        : data.candidate ? onCandidate(data.candidate) : null)).catch(fail);
    });
  }

  // ---- peer connection -----------------------------------------------------

  function isOffererByRule(peerId, iJoinedSecond) {
    if (legacyRoles) return iJoinedSecond;
    return tc.clientId > peerId;
  }

  function peerArrived(peerId, iJoinedSecond) {
    tc.peerId = peerId;
    tc.peerArrivedAt = performance.now();
    const offerer = isOffererByRule(peerId, iJoinedSecond);
    tc.role = offerer ? 'offerer' : 'answerer';
    log(`role: ${offerer ? 'OFFERER' : 'ANSWERER'} | me: ${short(tc.clientId)} | peer: ${short(peerId)}`);
    createPeer();
    setState('negotiating');
    if (offerer) startOffer();
  }

  function createPeer() {
    pc = new RTCPeerConnection(tc.rtcConfig);
    tc.pc = pc;
    pendingCandidates = [];
    lastTotals = null;
    tc.localCandidates = {};
    tc.localMdnsCandidates = 0;
    tc.remoteCandidates = { added: 0, refused: 0, endOfCandidates: 0 };
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      tc.localCandidates[candidate.type] = (tc.localCandidates[candidate.type] || 0) + 1;
      if (/\.local$/.test(candidate.address || '')) tc.localMdnsCandidates += 1;
      send({ candidate: candidate.toJSON() });
    };
    pc.onicegatheringstatechange = () => { tc.iceGathering = pc.iceGatheringState; };
    pc.ontrack = onTrack;
    pc.oniceconnectionstatechange = onIceState;
    pc.onconnectionstatechange = onConnectionState;
    pc.onnegotiationneeded = () => {
      if (tc.role === 'offerer') makeOffer();
    };
  }

  function closePeer() {
    clearTimeout(restartTimer);
    clearTimeout(paramsTimer);
    if (pc) pc.close();
    pc = null;
    tc.pc = null;
    tc.peerId = null;
    tc.role = null;
    remoteVideo.srcObject = null;
  }

  function preferCodecs(transceiver) {
    const caps = RTCRtpReceiver.getCapabilities('video');
    if (!caps || !transceiver.setCodecPreferences) return;
    const order = forcedCodecs || VIDEO_CODEC_ORDER;
    const rank = (c) => {
      const i = order.indexOf(c.mimeType.toLowerCase());
      return i < 0 ? order.length : i;
    };
    const helper = (c) => NOT_MEDIA_CODECS.includes(c.mimeType.split('/')[1].toLowerCase());
    const ordered = caps.codecs.filter((c) => !forcedCodecs || helper(c) || rank(c) < order.length)
      .map((codec, index) => ({ codec, index }))
      .sort((a, b) => rank(a.codec) - rank(b.codec) || a.index - b.index)
      .map(({ codec }) => codec);
    transceiver.setCodecPreferences(ordered);
    const names = [...new Set(ordered.map((c) => c.mimeType.split('/')[1]))];
    log(`codec preference: ${names.join(' > ')}`);
  }

  function startOffer() {
    const stream = localStream;
    // Without a camera, receive-only m-lines of each kind.
    const direction = noCamera ? 'recvonly' : 'sendrecv';
    pc.addTransceiver(stream.getAudioTracks()[0] || 'audio', { direction, streams: [stream] });
    const video = pc.addTransceiver(stream.getVideoTracks()[0] || 'video',
      { direction, streams: [stream] });
    preferCodecs(video);
    makeOffer();
  }

  // Offers go through the same queue as incoming messages, so an offer
  // arriving meanwhile finds 'have-local-offer' (a collision), never a
  // half-made offer.
  function makeOffer() {
    const conn = pc;
    inbox = inbox.then(() => createAndSendOffer(conn)).catch(fail);
  }

  async function createAndSendOffer(conn) {
    // Offers queued before this side yielded in a collision are dropped.
    if (conn !== pc || tc.role !== 'offerer' || conn.signalingState !== 'stable') return;
    const offer = await conn.createOffer();
    await conn.setLocalDescription({ type: 'offer', sdp: mungeSdp(offer.sdp) });
    tc.localSdp = conn.localDescription.sdp;
    send({ sdp: { type: 'offer', sdp: conn.localDescription.sdp } });
    log('offer sent ✓');
  }

  // The answerer maps its tracks onto the offerer's m-lines with addTrack.
  async function addTracksOnce() {
    const orphans = pc.getTransceivers().filter((t) => t.mid === null && t.sender.track
      && t.currentDirection !== 'stopped');
    if (orphans.length > 0) { await adoptOrphans(orphans); return; }
    const sending = new Set(pc.getSenders().map((s) => s.track).filter(Boolean));
    for (const track of localStream.getTracks()) {
      if (!sending.has(track)) pc.addTrack(track, localStream);
    }
  }

  // After yielding in a collision, the transceivers of our rolled-back offer
  // have no m-line: their tracks move onto the offerer's m-lines.
  async function adoptOrphans(orphans) {
    for (const orphan of orphans) {
      const track = orphan.sender.track;
      const target = pc.getTransceivers().find((t) => t.mid !== null && !t.sender.track
        && t.receiver.track.kind === track.kind);
      await orphan.sender.replaceTrack(null);
      orphan.stop();
      if (!target) continue;
      await target.sender.replaceTrack(track);
      target.sender.setStreams(localStream);
      target.direction = 'sendrecv';
    }
  }

  async function onDescription(desc) {
    if (!pc) return;
    if (desc.type === 'offer') {
      // Perfect negotiation: the answerer by the rule is polite and yields.
      const collision = pc.signalingState !== 'stable';
      const polite = !noYield && !(tc.clientId > tc.peerId);
      if (collision && !polite) {
        log(`offer collision: ignored (${noYield ? 'never yields' : 'impolite'})`);
        return;
      }
      // Yielding in a collision, or offered to before offering: this side
      // answers the call. A later offer (renegotiation) changes no role.
      const firstOffer = !pc.remoteDescription;
      if (collision) await pc.setLocalDescription({ type: 'rollback' });
      await pc.setRemoteDescription(desc);
      tc.remoteSdp = desc.sdp;
      if (tc.role !== 'answerer' && (collision || firstOffer)) {
        tc.role = 'answerer';
        log(`offer ${collision ? 'collision: yielded' : 'received'}: now ANSWERER`);
      }
      log('remote desc set (offer) ✓');
      await addTracksOnce();
      await flushCandidates();
      const answer = await pc.createAnswer();
      await pc.setLocalDescription({ type: 'answer', sdp: mungeSdp(answer.sdp) });
      tc.localSdp = pc.localDescription.sdp;
      send({ sdp: { type: 'answer', sdp: pc.localDescription.sdp } });
      log('answer sent ✓');
    } else if (desc.type === 'answer') {
      if (pc.signalingState !== 'have-local-offer') { log('unexpected answer: ignored'); return; }
      await pc.setRemoteDescription(desc);
      tc.remoteSdp = desc.sdp;
      log('remote desc set (answer) ✓');
      await flushCandidates();
    }
  }

  async function addCandidate(candidate) {
    try {
      await pc.addIceCandidate(candidate);
      tc.remoteCandidates.added += 1;
      // An empty candidate is the peer's end-of-candidates (WebRTC).
      if (candidate.candidate === '') tc.remoteCandidates.endOfCandidates += 1;
    } catch (err) {
      tc.remoteCandidates.refused += 1;
      log(`remote candidate refused: ${err.name}`);
    }
  }

  async function onCandidate(candidate) {
    if (!pc.remoteDescription) pendingCandidates.push(candidate);
    else await addCandidate(candidate);
  }

  async function flushCandidates() {
    const queued = pendingCandidates;
    pendingCandidates = [];
    for (const candidate of queued) await addCandidate(candidate);
  }

  function onTrack(event) {
    const stream = event.streams[0] || new MediaStream([event.track]);
    if (remoteVideo.srcObject !== stream) remoteVideo.srcObject = stream;
    if (event.track.kind === 'video') {
      log('remote video attached ✓');
      remoteVideo.play().catch((err) => log(`remote video play: ${err.name}`));
    }
  }

  function onIceState() {
    const state = pc.iceConnectionState;
    log(`ICE: ${state}`);
    clearTimeout(restartTimer);
    if (tc.role !== 'offerer' || !(state in RESTART_GRACE_MS)) return;
    const conn = pc;
    restartTimer = setTimeout(() => {
      if (conn !== pc || !(conn.iceConnectionState in RESTART_GRACE_MS)) return;
      tc.iceRestarts += 1;
      log('ICE restart');
      conn.restartIce();
    }, RESTART_GRACE_MS[state]);
  }

  function onConnectionState() {
    const state = pc.connectionState;
    log(`connection state: ${state}`);
    if (state === 'connected') {
      setState('connected');
      clearTimeout(paramsTimer);
      const conn = pc;
      paramsTimer = setTimeout(() => applyEncodingParams(conn).catch(fail), APPLY_PARAMS_AFTER_MS);
    } else if (state === 'disconnected' || state === 'failed') {
      setState('reconnecting');
    }
  }

  async function applyEncodingParams(conn) {
    if (conn !== pc) return;
    for (const sender of conn.getSenders()) {
      if (!sender.track) continue;
      const p = sender.getParameters();
      if (!p.encodings || p.encodings.length === 0) p.encodings = [{}];
      if (sender.track.kind === 'video') {
        p.encodings[0].maxBitrate = quality.maxKbps * 1000;
        p.encodings[0].scalabilityMode = SCALABILITY_MODE;
      } else {
        p.encodings[0].maxBitrate = AUDIO_MAX_BITRATE;
      }
      await sender.setParameters(p);
      if (sender.track.kind === 'video') tc.encodingParams = { ...sender.getParameters().encodings[0] };
    }
    log('encoding params applied ✓');
  }

  // ---- stats panel ---------------------------------------------------------

  function byType(report, type, kind) {
    let found = null;
    report.forEach((r) => {
      if (!found && r.type === type && (!kind || r.kind === kind)) found = r;
    });
    return found;
  }

  function selectedPair(report) {
    const transport = byType(report, 'transport');
    if (transport && transport.selectedCandidatePairId) {
      return report.get(transport.selectedCandidatePairId);
    }
    let pair = null;
    report.forEach((r) => {
      if (!pair && r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r;
    });
    return pair;
  }

  const codecName = (report, stat) => {
    const codec = stat && stat.codecId && report.get(stat.codecId);
    return codec ? codec.mimeType.split('/')[1] : null;
  };

  function summarize(report, now) {
    const inVideo = byType(report, 'inbound-rtp', 'video');
    const inAudio = byType(report, 'inbound-rtp', 'audio');
    const outVideo = byType(report, 'outbound-rtp', 'video');
    const pair = selectedPair(report);
    const transport = byType(report, 'transport');
    const local = pair && report.get(pair.localCandidateId);
    const remote = pair && report.get(pair.remoteCandidateId);
    const bytes = (inVideo ? inVideo.bytesReceived : 0) + (inAudio ? inAudio.bytesReceived : 0);
    const kbps = lastTotals && now > lastTotals.at
      ? Math.round(((bytes - lastTotals.bytes) * 8) / (now - lastTotals.at)) : 0;
    lastTotals = { at: now, bytes };
    const lost = inVideo ? Math.max(0, inVideo.packetsLost || 0) : 0;
    const received = inVideo ? inVideo.packetsReceived || 0 : 0;
    const relayed = [local, remote].some((c) => c && c.candidateType === 'relay');
    return {
      at: now,
      width: (inVideo && inVideo.frameWidth) || 0,
      height: (inVideo && inVideo.frameHeight) || 0,
      fps: (inVideo && inVideo.framesPerSecond) || 0,
      framesDecoded: (inVideo && inVideo.framesDecoded) || 0,
      kbps,
      rttMs: pair && pair.currentRoundTripTime != null
        ? Math.round(pair.currentRoundTripTime * 1000) : null,
      lossPct: lost + received > 0 ? (100 * lost) / (lost + received) : 0,
      codec: codecName(report, inVideo),
      sendCodec: codecName(report, outVideo),
      sendWidth: (outVideo && outVideo.frameWidth) || 0,
      sendHeight: (outVideo && outVideo.frameHeight) || 0,
      scalabilityMode: (outVideo && outVideo.scalabilityMode) || null,
      // Why the browser sends below its camera's size: 'cpu' (its own
      // encoder adaptation), 'bandwidth' (the estimate), or 'none'.
      sendLimit: (outVideo && outVideo.qualityLimitationReason) || null,
      // What the receiver's feedback lets the browser's send estimate reach.
      sendEstimateKbps: pair && pair.availableOutgoingBitrate
        ? Math.round(pair.availableOutgoingBitrate / 1000) : null,
      audioPackets: (inAudio && inAudio.packetsReceived) || 0,
      audioCodec: codecName(report, inAudio),
      path: pair ? (relayed ? 'relay' : 'direct') : null,
      localCandidateType: local ? local.candidateType : null,
      // The SRTP profile the DTLS server chose (chrome://webrtc-internals).
      srtpCipher: (transport && transport.srtpCipher) || null,
      remoteCandidateType: remote ? remote.candidateType : null,
    };
  }

  function renderStats(s) {
    $('stats').textContent = [
      `resolution ${s.width}x${s.height}`,
      `fps        ${Math.round(s.fps)}`,
      `bitrate    ${s.kbps} kbps`,
      `rtt        ${s.rttMs == null ? '-' : `${s.rttMs} ms`}`,
      `loss       ${s.lossPct.toFixed(1)} %`,
      `codec      ${s.codec || '-'}`,
      `path       ${s.path === 'relay' ? 'TURN relay' : s.path === 'direct' ? 'Direct P2P' : '-'}`,
    ].join('\n');
  }

  async function pollStats() {
    if (!pc || statsBusy) return;
    statsBusy = true;
    const conn = pc;
    try {
      const report = await conn.getStats();
      if (conn !== pc) return;
      tc.lastStats = summarize(report, performance.now());
      renderStats(tc.lastStats);
    } catch (err) {
      log(`getStats: ${err.name}`);
    } finally {
      statsBusy = false;
    }
  }

  // ---- start and stop ------------------------------------------------------

  async function start() {
    try {
      tc.room = `observable-${roomHash()}`;
      tc.rtcConfig = await rtcConfiguration();
      localStream = noCamera ? new MediaStream() : await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 2, sampleRate: 48000 },
        video: { width: { ideal: quality.width }, height: { ideal: quality.height } },
      });
      if (!noCamera) {
        localVideo.srcObject = localStream;
        tc.localTrackSettings = localStream.getVideoTracks()[0].getSettings();
        log(`camera: ${tc.localTrackSettings.width}x${tc.localTrackSettings.height} (${qualityName})`);
      }
      setInterval(pollStats, 1000);
      connectSignaling();
    } catch (err) {
      fail(err);
    }
  }

  function hangup() {
    closePeer();
    if (room) room.unsubscribe();
    room = null;
    if (drone) { drone.autoReconnect = false; drone.close(); }
    if (localStream) localStream.getTracks().forEach((t) => t.stop());
    setState('closed');
  }

  // ---- test API ------------------------------------------------------------

  const stat = (name, fallback) => (tc.lastStats ? tc.lastStats[name] : fallback);
  Object.assign(tc, {
    join,
    hangup,
    mungeSdp,
    stats: () => (tc.lastStats ? { ...tc.lastStats } : null),
    remoteVideoSize: () => ({ width: remoteVideo.videoWidth, height: remoteVideo.videoHeight }),
    framesDecoded: () => stat('framesDecoded', 0),
    codec: () => stat('codec', null),
    audioPackets: () => stat('audioPackets', 0),
    // Test only: the offerer renegotiates with other video codecs (a
    // user switching codec mid-call), "av1" or "vp9,vp8".
    renegotiateVideoCodecs: (list) => {
      forcedCodecs = list.split(',').map((c) => `video/${c.trim().toLowerCase()}`);
      pc.getTransceivers().filter((t) => t.receiver.track.kind === 'video').forEach(preferCodecs);
      makeOffer();
    },
  });
  window.tc = tc;
  start();
})();
