/* probe.c - see the header. */
#include <math.h>
#include <string.h>

#include "probe.h"

static guint8 clamp8(double v)
{
	return v < 0 ? 0 : v > 255 ? 255 : (guint8)(v + 0.5);
}

static void sample_i420(probe *p, const struct obs_source_frame *f)
{
	guint y = f->height / 4;

	for (int i = 0; i < PROBE_POINTS; i++) {
		guint x = (guint)((i + 0.5) * f->width / PROBE_POINTS);
		double Y = f->data[0][y * f->linesize[0] + x] - 16.0;
		double U = f->data[1][(y / 2) * f->linesize[1] + x / 2] - 128.0;
		double V = f->data[2][(y / 2) * f->linesize[2] + x / 2] - 128.0;
		p->rgb[i][0] = clamp8(1.164 * Y + 1.596 * V);
		p->rgb[i][1] = clamp8(1.164 * Y - 0.392 * U - 0.813 * V);
		p->rgb[i][2] = clamp8(1.164 * Y + 2.017 * U);
	}
}

static struct obs_source_frame *filter_video(void *data,
					     struct obs_source_frame *frame)
{
	probe *p = data;

	g_mutex_lock(&p->lock);
	p->frames++;
	p->width = frame->width;
	p->height = frame->height;
	p->format = frame->format;
	if (frame->format == VIDEO_FORMAT_I420)
		sample_i420(p, frame);
	g_mutex_unlock(&p->lock);
	g_main_context_wakeup(NULL);
	return frame;
}

static void on_audio(void *param, obs_source_t *source,
		     const struct audio_data *audio, bool muted)
{
	probe *p = param;
	const float *s = (const float *)audio->data[0];
	double sum = 0;

	(void)source, (void)muted;
	for (uint32_t i = 0; s != NULL && i < audio->frames; i++)
		sum += (double)s[i] * s[i];
	g_mutex_lock(&p->lock);
	p->audio_blocks++;
	if (audio->frames > 0 && sqrt(sum / audio->frames) > 0.05)
		p->loud_blocks++;
	g_mutex_unlock(&p->lock);
	g_main_context_wakeup(NULL);
}

static const char *probe_name(void *unused)
{
	(void)unused;
	return "test probe";
}

static void *probe_create(obs_data_t *settings, obs_source_t *source)
{
	(void)settings, (void)source;
	/* The probe struct is handed over through the private data below. */
	return obs_data_get_int(settings, "probe") != 0
		       ? (void *)(intptr_t)obs_data_get_int(settings, "probe")
		       : NULL;
}

static void probe_destroy(void *data)
{
	(void)data;
}

static struct obs_source_info probe_info = {
	.id = "tc_test_probe",
	.type = OBS_SOURCE_TYPE_FILTER,
	.output_flags = OBS_SOURCE_ASYNC_VIDEO,
	.get_name = probe_name,
	.create = probe_create,
	.destroy = probe_destroy,
	.filter_video = filter_video,
};

void probe_register(void)
{
	obs_register_source(&probe_info);
}

void probe_attach(probe *p, obs_source_t *source)
{
	obs_data_t *s = obs_data_create();

	g_mutex_init(&p->lock);
	obs_data_set_int(s, "probe", (long long)(intptr_t)p);
	p->filter = obs_source_create_private("tc_test_probe", "probe", s);
	obs_data_release(s);
	p->source = source;
	obs_source_filter_add(source, p->filter);
	obs_source_add_audio_capture_callback(source, on_audio, p);
}

void probe_detach(probe *p)
{
	obs_source_remove_audio_capture_callback(p->source, on_audio, p);
	obs_source_filter_remove(p->source, p->filter);
	obs_source_release(p->filter);
	p->filter = NULL;
}

void probe_snapshot(probe *p, probe *out)
{
	g_mutex_lock(&p->lock);
	memcpy((char *)out + sizeof(GMutex), (char *)p + sizeof(GMutex),
	       sizeof(*p) - sizeof(GMutex));
	g_mutex_unlock(&p->lock);
}

void probe_reset(probe *p)
{
	g_mutex_lock(&p->lock);
	p->frames = 0;
	p->width = p->height = 0;
	p->loud_blocks = p->audio_blocks = 0;
	g_mutex_unlock(&p->lock);
}
