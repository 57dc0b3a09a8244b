/* h264_sps.h - what a receiver needs from an H264 sequence parameter set
 * (H.264 section 7.3.2.1.1): profile, level and the picture size after
 * frame cropping, for caps such as video/x-h264,width=...,height=...
 *
 * Pure functions on bytes; any thread.
 */
#ifndef TEMPCHAT_RTP_H264_SPS_H
#define TEMPCHAT_RTP_H264_SPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tempchat/tc_status.h"

typedef struct {
  uint8_t profile_idc;
  uint8_t constraint_flags;   /* constraint_set0..5 and 2 reserved bits */
  uint8_t level_idc;
  uint32_t sps_id;            /* 0..31 */
  uint32_t chroma_format_idc; /* 0..3; 1 (4:2:0) unless a High profile says */
  uint32_t bit_depth_luma;    /* 8..14 */
  bool frame_mbs_only;        /* false: fields may be coded */
  uint32_t width;             /* luma samples, cropping applied */
  uint32_t height;
} tc_h264_sps;

/* Parses an SPS NAL unit (`nal` starts with its one-byte header, type 7;
 * emulation prevention bytes still in place) up to the frame cropping.
 * TC_ERR_PARSE for another NAL type, a cut or inconsistent SPS (values out
 * of the ranges H.264 allows, cropping larger than the picture). */
tc_status tc_h264_sps_parse (const uint8_t *nal, size_t len, tc_h264_sps *out);

#endif
