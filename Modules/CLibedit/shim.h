// Non-variadic wrappers around the parts of libedit that Swift cannot call directly:
// el_set, el_get and history are C variadic functions, and Swift 6 refuses the C
// globals stdin/stdout/stderr. Each wrapper is one call; nothing else lives here.
#ifndef COMPLEX_REPL_CLIBEDIT_SHIM_H
#define COMPLEX_REPL_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <histedit.h>

typedef char *(*cr_prompt_fn)(EditLine *);
typedef unsigned char (*cr_command_fn)(EditLine *, int);

static inline EditLine *cr_el_init(const char *program) {
    return el_init(program, stdin, stdout, stderr);
}
static inline int cr_el_set_prompt(EditLine *el, cr_prompt_fn fn) {
    return el_set(el, EL_PROMPT, fn);
}
static inline int cr_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int cr_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int cr_el_add_function(EditLine *el, const char *name, const char *help, cr_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int cr_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, (const char *)NULL);
}
/// Lets the REPL read ^C as a key while editing, instead of receiving SIGINT.
static inline int cr_el_disable_isig(EditLine *el) {
    return el_set(el, EL_SETTY, "-d", "-isig", (const char *)NULL);
}
static inline int cr_el_set_client_data(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *cr_el_get_client_data(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

static inline int cr_history_set_size(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}
static inline int cr_history_set_unique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}
static inline int cr_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
static inline int cr_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}
static inline int cr_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

#endif
