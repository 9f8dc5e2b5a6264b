import { BadRequestError } from '../../http/errors';
import { readNewQuestionQuery } from './intake.form';

describe('reading the query of /intake/new', () => {
  test('a walk-in or appointment link gives its id and the right channel', () => {
    expect(readNewQuestionQuery({ walkin: '7', channel: 'desk' })).toEqual({ visitId: null, appointmentId: null, walkinId: 7, channelKey: 'desk', organisationId: null });
    expect(readNewQuestionQuery({ appointment: '12' })).toMatchObject({ appointmentId: 12, channelKey: 'appointment' });
    expect(readNewQuestionQuery({})).toMatchObject({ visitId: null, channelKey: 'desk' });
  });

  test('ids that are not positive whole numbers are a bad request, not a guess', () => {
    for (const bad of ['0', '-1', '1.5', 'abc', '1e3', '']) {
      expect(() => readNewQuestionQuery({ walkin: bad })).toThrow(BadRequestError);
      expect(() => readNewQuestionQuery({ visit: bad })).toThrow(BadRequestError);
    }
  });

  test('a pre-chosen organisation that does not look like an id is ignored', () => {
    expect(readNewQuestionQuery({ organisation: '3' }).organisationId).toBe(3);
    expect(readNewQuestionQuery({ organisation: 'x' }).organisationId).toBeNull();
  });
});
