# doppel_add_rep(<target> SOURCE|REPLICA|MERGED FILES <file.rep>...)
#
# Runs doppelc on each .rep at build time (again whenever the .rep or doppelc changes) and adds
# the generated header rep_<name>_<source|replica|merged>.h to <target>, whose include path
# gets the output directory. Works in the doppel build tree (target doppelc) and from an
# installed doppel (find_package(doppel) imports doppel::doppelc). See docs/doppelc.md.
function(doppel_add_rep target side)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  string(TOLOWER "${side}" flag)
  if(NOT flag MATCHES "^(source|replica|merged)$")
    message(FATAL_ERROR "doppel_add_rep: side must be SOURCE, REPLICA or MERGED, not '${side}'")
  endif()
  if(NOT ARG_FILES)
    message(FATAL_ERROR "doppel_add_rep: no FILES given")
  endif()
  if(TARGET doppel::doppelc)
    set(compiler doppel::doppelc)
  elseif(TARGET doppelc)
    set(compiler doppelc)
  else()
    message(FATAL_ERROR "doppel_add_rep: doppelc not found (find_package(doppel) first)")
  endif()
  set(outdir "${CMAKE_CURRENT_BINARY_DIR}/doppel_rep/${target}")
  file(MAKE_DIRECTORY "${outdir}")
  set(outputs)
  foreach(rep IN LISTS ARG_FILES)
    get_filename_component(abs "${rep}" ABSOLUTE)
    get_filename_component(name "${rep}" NAME_WE)
    set(out "${outdir}/rep_${name}_${flag}.h")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND ${compiler} --${flag} -o "${out}" "${abs}"
      DEPENDS "${abs}" ${compiler}
      COMMENT "doppelc --${flag} ${rep}"
      VERBATIM)
    list(APPEND outputs "${out}")
  endforeach()
  target_sources(${target} PRIVATE ${outputs})
  target_include_directories(${target} PRIVATE "${outdir}")
endfunction()
