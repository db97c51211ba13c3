/* The stream benchmark's workload in GTK 4, run under gtk4-broadwayd (GDK_BACKEND=broadway,
 * BROADWAY_DISPLAY=:N). Same widgets at the same window pixels as stream_doppel_app.cpp (see its
 * header); the window is undecorated so that window pixels are surface pixels.
 *
 * Usage: STREAM_SIZE=WxH stream_gtk_app [--animate]   (1280x800 by default)
 */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  gboolean animate;
  int count;
  GtkWidget *label;
  GtkWidget *progress;
} Workload;

static void show_count(Workload *w) {
  char text[32];
  snprintf(text, sizeof text, "Count: %d", w->count);
  gtk_label_set_text(GTK_LABEL(w->label), text);
  fprintf(stderr, "count %d\n", w->count); /* the driver checks it */
}

static void on_increment(GtkButton *b, gpointer user) {
  (void)b;
  Workload *w = user;
  ++w->count;
  show_count(w);
}

static void on_decrement(GtkButton *b, gpointer user) {
  (void)b;
  Workload *w = user;
  --w->count;
  show_count(w);
}

static void on_reset(GtkButton *b, gpointer user) {
  (void)b;
  Workload *w = user;
  w->count = 0;
  show_count(w);
}

/* Sweeps 0..1 every 2 s, one step per frame of GDK's frame clock (the toolkit's own pacing). */
static gboolean on_tick(GtkWidget *widget, GdkFrameClock *clock, gpointer user) {
  (void)user;
  const gint64 us = gdk_frame_clock_get_frame_time(clock);
  gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(widget), (double)(us % 2000000) / 2000000.0);
  return G_SOURCE_CONTINUE;
}

static GtkWidget *place(GtkWidget *fixed, GtkWidget *child, int x, int y, int width, int height) {
  gtk_widget_set_size_request(child, width, height);
  gtk_fixed_put(GTK_FIXED(fixed), child, x, y);
  return child;
}

static GtkWidget *button(GtkWidget *fixed, const char *text, int x, int y, GCallback cb, Workload *w) {
  GtkWidget *b = place(fixed, gtk_button_new_with_label(text), x, y, 160, 40);
  g_signal_connect(b, "clicked", cb, w);
  return b;
}

static void activate(GtkApplication *app, gpointer user) {
  Workload *w = user;
  const char *size = g_getenv("STREAM_SIZE");
  int width = 1280, height = 800;
  if (size != NULL) sscanf(size, "%dx%d", &width, &height);
  GtkWidget *window = gtk_application_window_new(app);
  gtk_window_set_decorated(GTK_WINDOW(window), FALSE);
  gtk_window_set_default_size(GTK_WINDOW(window), width, height);
  GtkWidget *fixed = gtk_fixed_new();
  GtkWidget *increment = button(fixed, "Increment", 20, 20, G_CALLBACK(on_increment), w);
  button(fixed, "Decrement", 200, 20, G_CALLBACK(on_decrement), w);
  button(fixed, "Reset", 20, 70, G_CALLBACK(on_reset), w);
  w->label = place(fixed, gtk_label_new("Count: 0"), 20, 120, -1, -1);
  GtkWidget *entry = place(fixed, gtk_entry_new(), 20, 150, 240, 30);
  gtk_editable_set_text(GTK_EDITABLE(entry), "hello");
  w->progress = place(fixed, gtk_progress_bar_new(), 20, 200, 300, 20);
  gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(w->progress), 0.3);
  if (w->animate) gtk_widget_add_tick_callback(w->progress, on_tick, NULL, NULL);
  gtk_window_set_child(GTK_WINDOW(window), fixed);
  /* Focus on a button, not the entry: a focused entry's blinking cursor would be idle traffic
   * that the other twins do not have. */
  gtk_window_set_focus(GTK_WINDOW(window), increment);
  gtk_window_present(GTK_WINDOW(window));
}

int main(int argc, char **argv) {
  Workload w = {0};
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--animate") == 0) {
      w.animate = TRUE;
    } else {
      fprintf(stderr, "usage: stream_gtk_app [--animate] (STREAM_SIZE=WxH)\n");
      return 2;
    }
  }
  GtkApplication *app = gtk_application_new(NULL, G_APPLICATION_NON_UNIQUE);
  g_signal_connect(app, "activate", G_CALLBACK(activate), &w);
  const int status = g_application_run(G_APPLICATION(app), 1, argv);
  g_object_unref(app);
  return status;
}
