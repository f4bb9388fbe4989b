import { addDays, type HouseholdEvent } from '@registry/schema';
import { deriveId } from '../ids.js';
import { moveCase } from '../steps.js';
import { advance, rejection } from './cases.js';
import { refuse, requireStep } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 公示: the result of a review is posted for the policy's notice days; objections are taken
 * while it runs and must be resolved before it closes. An upheld objection sends the case
 * back to the review before the notice, or rejects it.
 */
export const decide: Deciders<'OpenPublicNotice' | 'RecordObjection' | 'ResolveObjection' | 'ClosePublicNotice'> = {
  OpenPublicNotice: (command, state, ctx) => {
    const open = requireStep(state, 'any', ['village_notice', 'township_notice']);
    if (open.notice) refuse('NOTICE_OPEN', 'a public notice is already open', { noticeId: open.notice.noticeId });
    const on = ctx.effectiveAt;
    return [
      {
        type: 'PublicNoticeOpened',
        data: {
          noticeId: command.data.noticeId ?? deriveId(ctx.commandId, 'notice'),
          case: open.kind,
          level: open.step === 'village_notice' ? 'village' : 'township',
          openedOn: on,
          closesOn: addDays(on, ctx.policy.noticeDays),
        },
      },
    ];
  },

  RecordObjection: (command, state, ctx) => {
    const notice = state.case?.notice;
    if (!notice) refuse('NO_OPEN_NOTICE', 'there is no open public notice to object to');
    const on = ctx.effectiveAt;
    if (on < notice.openedOn || on > notice.closesOn) {
      refuse('OUTSIDE_NOTICE_PERIOD', `objections are taken from ${notice.openedOn} to ${notice.closesOn}`, {
        openedOn: notice.openedOn,
        closesOn: notice.closesOn,
      });
    }
    return [
      {
        type: 'ObjectionRecorded',
        data: {
          noticeId: notice.noticeId,
          objectionId: command.data.objectionId ?? deriveId(ctx.commandId, 'objection'),
          summary: command.data.summary,
        },
      },
    ];
  },

  ResolveObjection: (command, state, ctx) => {
    const open = state.case;
    const objection = open?.notice?.objections[command.data.objectionId];
    if (!open || !objection) refuse('NO_SUCH_OBJECTION', `no objection ${command.data.objectionId} on the open notice`);
    if (objection.resolved) refuse('OBJECTION_RESOLVED', 'the objection is already resolved');
    const resolved: HouseholdEvent = { type: 'ObjectionResolved', data: command.data };
    if (command.data.consequence !== 'rejected') return [resolved];
    return [resolved, rejection(open, command.data.resolution, state, ctx)];
  },

  ClosePublicNotice: (_command, state, ctx) => {
    const notice = state.case?.notice;
    if (!notice) refuse('NO_OPEN_NOTICE', 'there is no open public notice');
    const on = ctx.effectiveAt;
    if (on < notice.closesOn) {
      refuse('NOTICE_PERIOD_NOT_OVER', `the notice runs until ${notice.closesOn}; it cannot close on ${on}`, {
        closesOn: notice.closesOn,
      });
    }
    const pending = Object.entries(notice.objections).filter(([, o]) => !o.resolved);
    if (pending.length > 0) {
      refuse('OBJECTIONS_PENDING', `${pending.length} objection(s) must be resolved before the notice closes`, {
        objectionIds: pending.map(([objectionId]) => objectionId),
      });
    }
    return [{ type: 'PublicNoticeClosed', data: { noticeId: notice.noticeId, closedOn: on } }];
  },
};

export const evolve: Evolvers<'PublicNoticeOpened' | 'ObjectionRecorded' | 'ObjectionResolved' | 'PublicNoticeClosed'> =
  {
    PublicNoticeOpened: (state, event) =>
      state.case
        ? {
            ...state,
            case: {
              ...state.case,
              notice: {
                noticeId: event.data.noticeId,
                level: event.data.level,
                openedOn: event.data.openedOn,
                closesOn: event.data.closesOn,
                objections: {},
              },
            },
          }
        : state,
    ObjectionRecorded: (state, event) => {
      const notice = state.case?.notice;
      if (!state.case || !notice) return state;
      const objections = {
        ...notice.objections,
        [event.data.objectionId]: { summary: event.data.summary, resolved: false },
      };
      return { ...state, case: { ...state.case, notice: { ...notice, objections } } };
    },
    ObjectionResolved: (state, event) => {
      const open = state.case;
      const notice = open?.notice;
      if (!open || !notice) return state;
      const objection = notice.objections[event.data.objectionId];
      if (!objection) return state;
      if (event.data.upheld && event.data.consequence === 'sent_back') {
        return { ...state, case: moveCase(open, 'back') };
      }
      const objections = {
        ...notice.objections,
        [event.data.objectionId]: { ...objection, resolved: true, upheld: event.data.upheld },
      };
      return { ...state, case: { ...open, notice: { ...notice, objections } } };
    },
    PublicNoticeClosed: (state) => ({ ...state, case: advance(state) }),
  };
