// libpng's simplified API (png_image_write_to_file): it reports errors through the
// png_image, so no setjmp/longjmp crosses into Swift. Only the types are used from
// here: the library itself is loaded when the first PNG is written (PNGFile), so that
// starting complex-repl does not pay for loading libpng and zlib.
#include <png.h>
