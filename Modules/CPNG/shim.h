// libpng's simplified API (png_image_write_to_file): it reports errors through the
// png_image, so no setjmp/longjmp crosses into Swift.
#include <png.h>
