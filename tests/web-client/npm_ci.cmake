# Installs web/client's dev dependencies from package-lock.json, unless node_modules is already
# up to date with it (npm ci always reinstalls from scratch, which costs time on every run).
set(stamp ${DIR}/node_modules/.package-lock.json)
if(EXISTS ${stamp} AND NOT ${DIR}/package-lock.json IS_NEWER_THAN ${stamp})
  return()
endif()
execute_process(COMMAND ${NPM} ci --no-audit --no-fund WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed in ${DIR}")
endif()
