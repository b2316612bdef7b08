#ifndef SPIE_VERSION_H
#define SPIE_VERSION_H

#define SPIE_ENGINE "spie"
#define SPIE_VERSION "0.1.0"

#endif
