// The C peer's updates: see cpeer.c.

#include <stdint.h>

typedef struct {
	float k, delta, rh, r, thr, reset;
} exp_params;

typedef struct {
	float rest, r, a, b, d, thr, reset, dt;
} izh_params;

void leaky(int n, float *v, const float *cur, uint8_t *spk, float d, float gr, float thr, float reset);
void exponential(int n, float *v, const float *cur, uint8_t *spk, exp_params p);
void refractory_exponential(int n, float *v, uint16_t *rc, const float *cur, uint8_t *spk, exp_params p, uint16_t c);
void adaptive_exponential(int n, float *v, float *w, const float *cur, uint8_t *spk, exp_params p, float kw, float a,
	float b);
void simplified_adaptive_exponential(int n, float *v, uint16_t *rc, float *theta, const float *cur, uint8_t *spk,
	exp_params p, uint16_t c, float ltheta, float dtheta);
void izhikevich(int n, float *v, float *u, const float *cur, uint8_t *spk, izh_params p);
void nothing(void);
