/* gsttempchatav1dec.c - AV1 decoding with dav1d, through libavcodec.
 *
 * Debian 12's GStreamer 1.22 decodes AV1 only with libaom's av1dec: it has
 * no dav1ddec (gst-plugins-rs), and gst-libav leaves out libavcodec's
 * wrappers of outside libraries, libdav1d among them. libaom is the slow
 * decoder: on Chromium's 1080p call its first keyframe took 25 ms where
 * dav1d took 4, and the frames after it 4-11 ms where dav1d took 1-3
 * (bench/results/av1_decode.txt). A guest appears one first decode after
 * the keyframe arrives, and every frame of a call waits for its own, so
 * tempchatsrc decodes AV1 with this element wherever libavcodec has
 * libdav1d (gsttempchatcodecs.c).
 */

/**
 * SECTION:element-tempchatav1dec
 * @title: tempchatav1dec
 * @see_also: tempchatsrc, av1dec, av1parse
 *
 * Decodes AV1, one temporal unit per buffer (as tempchatsrc and av1parse
 * give it), with dav1d through libavcodec. It is a real-time decoder: each
 * picture leaves as soon as its temporal unit is decoded, on the thread
 * that pushed it (no frame threads, so no frames held back). Output is
 * I420 for the usual 8-bit 4:2:0 stream; 4:2:2, 4:4:4, 10-bit and
 * monochrome streams come out in their own formats, with the colorimetry
 * the stream signals. Where downstream takes #GstVideoMeta (videoconvert,
 * most sinks) the decoder's pictures go out without a copy, read-only.
 *
 * A temporal unit it cannot decode (corrupt, or missing its reference after
 * a loss) is dropped, and the element asks upstream for a keyframe with a
 * force-key-unit event (tempchatsrc turns it into a PLI to the sender).
 *
 * tempchatsrc picks this element for AV1 when it is there; it is
 * registered only where libavcodec has its libdav1d decoder.
 *
 * ## Example pipeline
 * |[
 * gst-launch-1.0 videotestsrc is-live=true num-buffers=60 ! \
 *     video/x-raw,width=1280,height=720 ! \
 *     av1enc usage-profile=realtime cpu-used=9 ! av1parse ! \
 *     video/x-av1,stream-format=obu-stream,alignment=tu ! tempchatav1dec ! \
 *     videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/video/video.h>
#include <gst/video/gstvideodecoder.h>
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>

GST_DEBUG_CATEGORY_STATIC (tempchat_av1dec_debug);
#define GST_CAT_DEFAULT tempchat_av1dec_debug

struct _GstTempchatAv1Dec
{
  GstVideoDecoder parent;

  AVCodecContext *ctx;
  AVPacket *pkt;
  AVFrame *pic;
  GstVideoCodecState *input_state;
  /* Downstream takes GstVideoMeta (any strides): dav1d's pictures go out
   * as they are, not copied (decide_allocation). */
  gboolean wrap;
  /* What the output state was made for: a change renegotiates. */
  GstVideoFormat out_format;
  gint out_width, out_height;
  GstVideoColorimetry out_colorimetry;
};

#define GST_TYPE_TEMPCHAT_AV1_DEC (gst_tempchat_av1_dec_get_type ())
G_DECLARE_FINAL_TYPE (GstTempchatAv1Dec, gst_tempchat_av1_dec, GST,
    TEMPCHAT_AV1_DEC, GstVideoDecoder)
G_DEFINE_TYPE (GstTempchatAv1Dec, gst_tempchat_av1_dec,
    GST_TYPE_VIDEO_DECODER);

/* libavcodec's name for dav1d; its own "av1" decoder needs hardware. */
#define DAV1D "libdav1d"

#define OUT_FORMATS "{ I420, Y42B, Y444, GRAY8, I420_10LE, I422_10LE, " \
  "Y444_10LE }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-av1, stream-format = (string) obu-stream, "
        "alignment = (string) tu"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (OUT_FORMATS)));

/* The GStreamer format of dav1d's pictures; UNKNOWN for the ones GStreamer
 * has no format for (12-bit, 10-bit monochrome). */
static GstVideoFormat
format_of (int pix_fmt)
{
  switch (pix_fmt) {
    case AV_PIX_FMT_YUV420P:
      return GST_VIDEO_FORMAT_I420;
    case AV_PIX_FMT_YUV422P:
      return GST_VIDEO_FORMAT_Y42B;
    case AV_PIX_FMT_YUV444P:
      return GST_VIDEO_FORMAT_Y444;
    case AV_PIX_FMT_GRAY8:
      return GST_VIDEO_FORMAT_GRAY8;
    case AV_PIX_FMT_YUV420P10LE:
      return GST_VIDEO_FORMAT_I420_10LE;
    case AV_PIX_FMT_YUV422P10LE:
      return GST_VIDEO_FORMAT_I422_10LE;
    case AV_PIX_FMT_YUV444P10LE:
      return GST_VIDEO_FORMAT_Y444_10LE;
    default:
      return GST_VIDEO_FORMAT_UNKNOWN;
  }
}

/* What the stream signals, over `base` (the defaults for the size): AV1
 * codes range, matrix, transfer and primaries as ISO/IEC 23091-4 does,
 * which is what libavcodec's values are. */
static GstVideoColorimetry
colorimetry_of (const AVFrame *pic, const GstVideoColorimetry *base)
{
  GstVideoColorimetry c = *base;

  if (pic->color_range == AVCOL_RANGE_JPEG)
    c.range = GST_VIDEO_COLOR_RANGE_0_255;
  else if (pic->color_range == AVCOL_RANGE_MPEG)
    c.range = GST_VIDEO_COLOR_RANGE_16_235;
  if (pic->colorspace != AVCOL_SPC_UNSPECIFIED)
    c.matrix = gst_video_color_matrix_from_iso (pic->colorspace);
  if (pic->color_trc != AVCOL_TRC_UNSPECIFIED)
    c.transfer = gst_video_transfer_function_from_iso (pic->color_trc);
  if (pic->color_primaries != AVCOL_PRI_UNSPECIFIED)
    c.primaries = gst_video_color_primaries_from_iso (pic->color_primaries);
  return c;
}

static gboolean
gst_tempchat_av1_dec_start (GstVideoDecoder *dec)
{
  GstTempchatAv1Dec *self = GST_TEMPCHAT_AV1_DEC (dec);
  const AVCodec *codec = avcodec_find_decoder_by_name (DAV1D);

  self->ctx = codec != NULL ? avcodec_alloc_context3 (codec) : NULL;
  self->pkt = av_packet_alloc ();
  self->pic = av_frame_alloc ();
  if (self->ctx == NULL || self->pkt == NULL || self->pic == NULL)
    goto fail;
  /* One thread and no frame delay: dav1d's frame threads would hold
   * pictures back (a call shows each as soon as it can), and its tile
   * threads did not pay on the streams we measured. */
  self->ctx->thread_count = 1;
  self->ctx->flags |= AV_CODEC_FLAG_LOW_DELAY;
  /* libavcodec logs to stderr (its version on each open, each decode
   * error); an element reports on the bus and in the debug log instead. */
  self->ctx->log_level_offset = AV_LOG_DEBUG;
  if (avcodec_open2 (self->ctx, codec, NULL) < 0)
    goto fail;
  self->out_format = GST_VIDEO_FORMAT_UNKNOWN;
  return TRUE;

fail:
  GST_ELEMENT_ERROR (self, LIBRARY, INIT,
      ("Could not start libavcodec's AV1 decoder (libdav1d)."), (NULL));
  return FALSE;
}

static gboolean
gst_tempchat_av1_dec_stop (GstVideoDecoder *dec)
{
  GstTempchatAv1Dec *self = GST_TEMPCHAT_AV1_DEC (dec);

  avcodec_free_context (&self->ctx);
  av_packet_free (&self->pkt);
  av_frame_free (&self->pic);
  g_clear_pointer (&self->input_state, gst_video_codec_state_unref);
  return TRUE;
}

static gboolean
gst_tempchat_av1_dec_set_format (GstVideoDecoder *dec,
    GstVideoCodecState *state)
{
  GstTempchatAv1Dec *self = GST_TEMPCHAT_AV1_DEC (dec);

  g_clear_pointer (&self->input_state, gst_video_codec_state_unref);
  self->input_state = gst_video_codec_state_ref (state);
  /* The output takes the new input caps' rate with the next picture. */
  self->out_format = GST_VIDEO_FORMAT_UNKNOWN;
  return TRUE;
}

static gboolean
gst_tempchat_av1_dec_flush (GstVideoDecoder *dec)
{
  GstTempchatAv1Dec *self = GST_TEMPCHAT_AV1_DEC (dec);

  avcodec_flush_buffers (self->ctx);
  return TRUE;
}

/* Sets the output state when `pic` differs from what it was made for. */
static gboolean
follow_picture (GstTempchatAv1Dec *self, GstVideoFormat format)
{
  GstVideoDecoder *dec = GST_VIDEO_DECODER (self);
  GstVideoCodecState *out;
  GstVideoInfo defaults;
  GstVideoColorimetry c;
  const AVFrame *pic = self->pic;

  gst_video_info_set_format (&defaults, format, pic->width, pic->height);
  c = colorimetry_of (pic, &defaults.colorimetry);
  if (format == self->out_format && pic->width == self->out_width
      && pic->height == self->out_height
      && gst_video_colorimetry_is_equal (&c, &self->out_colorimetry))
    return TRUE;
  out = gst_video_decoder_set_output_state (dec, format, pic->width,
      pic->height, self->input_state);
  out->info.colorimetry = c;
  gst_video_codec_state_unref (out);
  if (!gst_video_decoder_negotiate (dec))
    return FALSE;
  GST_DEBUG_OBJECT (self, "output %s %dx%d", gst_video_format_to_string
      (format), pic->width, pic->height);
  self->out_format = format;
  self->out_width = pic->width;
  self->out_height = pic->height;
  self->out_colorimetry = c;
  return TRUE;
}

/* dav1d's planes into `frame`'s output buffer, row by row (the strides
 * differ): for a downstream that needs GStreamer's own strides. */
static GstFlowReturn
copy_picture (GstTempchatAv1Dec *self, GstVideoCodecFrame *frame)
{
  GstVideoDecoder *dec = GST_VIDEO_DECODER (self);
  GstVideoCodecState *state = gst_video_decoder_get_output_state (dec);
  GstVideoFrame out;
  GstFlowReturn ret;
  gboolean mapped;

  ret = gst_video_decoder_allocate_output_frame (dec, frame);
  if (ret != GST_FLOW_OK) {
    gst_video_codec_state_unref (state);
    return ret;
  }
  mapped = gst_video_frame_map (&out, &state->info, frame->output_buffer,
      GST_MAP_WRITE);
  gst_video_codec_state_unref (state);
  if (!mapped) {
    GST_ELEMENT_ERROR (self, CORE, FAILED,
        ("Could not write the decoded picture."), (NULL));
    return GST_FLOW_ERROR;
  }
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&out); p++) {
    guint8 *dst = GST_VIDEO_FRAME_PLANE_DATA (&out, p);
    gint dst_stride = GST_VIDEO_FRAME_PLANE_STRIDE (&out, p);
    const guint8 *src = self->pic->data[p];
    gint row = GST_VIDEO_FRAME_COMP_WIDTH (&out, p)
        * GST_VIDEO_FRAME_COMP_PSTRIDE (&out, p);
    for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT (&out, p); y++)
      memcpy (dst + (gsize) y * dst_stride,
          src + (gsize) y * self->pic->linesize[p], row);
  }
  gst_video_frame_unmap (&out);
  return GST_FLOW_OK;
}

static gboolean
gst_tempchat_av1_dec_decide_allocation (GstVideoDecoder *dec,
    GstQuery *query)
{
  GstTempchatAv1Dec *self = GST_TEMPCHAT_AV1_DEC (dec);

  if (!GST_VIDEO_DECODER_CLASS (gst_tempchat_av1_dec_parent_class)
      ->decide_allocation (dec, query))
    return FALSE;
  self->wrap = gst_query_find_allocation_meta (query, GST_VIDEO_META_API_TYPE,
      NULL);
  return TRUE;
}

static void
free_picture_ref (gpointer data)
{
  AVFrame *ref = data;

  av_frame_free (&ref);
}

/* dav1d's picture itself as `frame`'s output, one read-only memory per
 * plane, each holding a reference to it (dav1d may keep it as a reference
 * frame, so nobody writes to it), with its strides in a GstVideoMeta: a
 * 1080p picture is 3 MB that need not be copied. */
static GstFlowReturn
wrap_picture (GstTempchatAv1Dec *self, GstVideoCodecFrame *frame)
{
  GstVideoCodecState *state =
      gst_video_decoder_get_output_state (GST_VIDEO_DECODER (self));
  const GstVideoInfo *info = &state->info;
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 }, at = 0;
  gint stride[GST_VIDEO_MAX_PLANES] = { 0 };
  GstBuffer *buf = gst_buffer_new ();

  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    AVFrame *ref = av_frame_clone (self->pic);
    /* Planar formats only: plane p is component p. */
    gsize size = (gsize) self->pic->linesize[p]
        * GST_VIDEO_INFO_COMP_HEIGHT (info, p);
    if (ref == NULL) {
      gst_buffer_unref (buf);
      gst_video_codec_state_unref (state);
      GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
          ("Out of memory for a decoded picture."), (NULL));
      return GST_FLOW_ERROR;
    }
    gst_buffer_append_memory (buf,
        gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY, ref->data[p], size,
            0, size, ref, free_picture_ref));
    offset[p] = at;
    stride[p] = self->pic->linesize[p];
    at += size;
  }
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_INFO_FORMAT (info), GST_VIDEO_INFO_WIDTH (info),
      GST_VIDEO_INFO_HEIGHT (info), GST_VIDEO_INFO_N_PLANES (info), offset,
      stride);
  gst_video_codec_state_unref (state);
  frame->output_buffer = buf;
  return GST_FLOW_OK;
}

/* A temporal unit dav1d refused: drop it and what depends on it, and ask
 * upstream for a keyframe. */
static GstFlowReturn
undecodable (GstTempchatAv1Dec *self, GstVideoCodecFrame *frame, int err)
{
  GstVideoDecoder *dec = GST_VIDEO_DECODER (self);
  GstFlowReturn ret = GST_FLOW_OK;
  gchar why[AV_ERROR_MAX_STRING_SIZE] = "";

  av_strerror (err, why, sizeof why);
  gst_video_decoder_request_sync_point (dec, frame,
      GST_VIDEO_DECODER_REQUEST_SYNC_POINT_DISCARD_INPUT);
  gst_video_decoder_drop_frame (dec, frame);
  GST_VIDEO_DECODER_ERROR (dec, 1, STREAM, DECODE,
      ("Could not decode an AV1 frame."), ("dav1d: %s", why), ret);
  return ret;
}

static GstFlowReturn
gst_tempchat_av1_dec_handle_frame (GstVideoDecoder *dec,
    GstVideoCodecFrame *frame)
{
  GstTempchatAv1Dec *self = GST_TEMPCHAT_AV1_DEC (dec);
  GstVideoFormat format;
  GstMapInfo in;
  GstFlowReturn ret;
  int err;

  if (!gst_buffer_map (frame->input_buffer, &in, GST_MAP_READ)) {
    gst_video_decoder_drop_frame (dec, frame);
    return GST_FLOW_OK;
  }
  /* dav1d copies what it keeps during send_packet. */
  self->pkt->data = in.data;
  self->pkt->size = (int) MIN (in.size, (gsize) G_MAXINT);
  err = avcodec_send_packet (self->ctx, self->pkt);
  self->pkt->data = NULL;
  self->pkt->size = 0;
  gst_buffer_unmap (frame->input_buffer, &in);
  if (err < 0)
    return undecodable (self, frame, err);

  av_frame_unref (self->pic);
  err = avcodec_receive_frame (self->ctx, self->pic);
  if (err == AVERROR (EAGAIN)) {
    /* A temporal unit that shows nothing (a frame kept for later). */
    gst_video_decoder_release_frame (dec, frame);
    return GST_FLOW_OK;
  }
  if (err < 0)
    return undecodable (self, frame, err);

  format = format_of (self->pic->format);
  if (format == GST_VIDEO_FORMAT_UNKNOWN) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("This AV1 stream's pixel format (%s) is not supported.",
            av_get_pix_fmt_name (self->pic->format)), (NULL));
    gst_video_decoder_drop_frame (dec, frame);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (!follow_picture (self, format)) {
    gst_video_decoder_drop_frame (dec, frame);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  ret = self->wrap ? wrap_picture (self, frame) : copy_picture (self, frame);
  av_frame_unref (self->pic);
  if (ret != GST_FLOW_OK) {
    gst_video_decoder_drop_frame (dec, frame);
    return ret;
  }
  return gst_video_decoder_finish_frame (dec, frame);
}

static void
gst_tempchat_av1_dec_class_init (GstTempchatAv1DecClass *klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoDecoderClass *dec_class = GST_VIDEO_DECODER_CLASS (klass);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "TempChat AV1 decoder (dav1d)", "Codec/Decoder/Video",
      "Decodes AV1 with dav1d through libavcodec, one picture per temporal "
      "unit without delay", "tempchat-peers");
  dec_class->start = GST_DEBUG_FUNCPTR (gst_tempchat_av1_dec_start);
  dec_class->stop = GST_DEBUG_FUNCPTR (gst_tempchat_av1_dec_stop);
  dec_class->set_format = GST_DEBUG_FUNCPTR (gst_tempchat_av1_dec_set_format);
  dec_class->flush = GST_DEBUG_FUNCPTR (gst_tempchat_av1_dec_flush);
  dec_class->decide_allocation =
      GST_DEBUG_FUNCPTR (gst_tempchat_av1_dec_decide_allocation);
  dec_class->handle_frame =
      GST_DEBUG_FUNCPTR (gst_tempchat_av1_dec_handle_frame);
}

static void
gst_tempchat_av1_dec_init (GstTempchatAv1Dec *self)
{
  GstVideoDecoder *dec = GST_VIDEO_DECODER (self);

  /* Temporal units, not a byte stream: no parsing of ours. */
  gst_video_decoder_set_packetized (dec, TRUE);
  gst_video_decoder_set_needs_format (dec, TRUE);
  gst_video_decoder_set_use_default_pad_acceptcaps (dec, TRUE);
  GST_PAD_SET_ACCEPT_TEMPLATE (GST_VIDEO_DECODER_SINK_PAD (dec));
}

/* A plugin of its own (gst-plugin/CMakeLists.txt says why). Its element
 * only where this libavcodec was built with libdav1d; without it,
 * tempchatsrc decodes AV1 with av1dec. */
static gboolean
plugin_init (GstPlugin *plugin)
{
  GST_DEBUG_CATEGORY_INIT (tempchat_av1dec_debug, "tempchatav1dec", 0,
      "TempChat AV1 decoder (dav1d through libavcodec)");
  if (avcodec_find_decoder_by_name (DAV1D) == NULL) {
    GST_INFO ("libavcodec has no " DAV1D ": no tempchatav1dec");
    return TRUE;
  }
  return gst_element_register (plugin, "tempchatav1dec", GST_RANK_NONE,
      GST_TYPE_TEMPCHAT_AV1_DEC);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, tempchatav1dec,
    "AV1 decoding with dav1d for tempchatsrc", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
